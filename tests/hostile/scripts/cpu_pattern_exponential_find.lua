-- expect: killed
-- error: pattern too complex
string.find(string.rep("a", 40000), string.rep("a*", 40) .. "b")
