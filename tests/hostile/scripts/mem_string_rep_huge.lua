-- expect: failed
-- error: not enough memory
local s = string.rep("x", 1000000000)
