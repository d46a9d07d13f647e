-- expect: killed
-- error: chunk too large to compile
local source = string.rep("x = 1 ", 1000000)
coroutine.yield()
load(source)
