-- expect: killed
-- error: pattern too complex
local s = string.rep("a", 30)
s:match(string.rep("a?", 30) .. string.rep("a", 30) .. "b")
