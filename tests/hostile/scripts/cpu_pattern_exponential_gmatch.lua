-- expect: killed
-- error: pattern too complex
for m in string.gmatch(string.rep("a", 5000), ".-.-.-.-.-b") do print(m) end
