-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000
local parts = {}
for i = 1, 100 do parts[i] = string.rep("z", 1000000) end
