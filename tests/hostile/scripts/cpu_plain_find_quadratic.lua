-- expect: killed
-- error: pattern too complex
-- options: memory=64M
-- Naive substring search is n*m even without special characters.
local s = string.rep("a", 4000000)
local p = string.rep("a", 2000000) .. "b"
coroutine.yield()
string.find(s, p, 1, true)
