-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000
local t = {}
for i = 1, 1e9 do t[i] = i end
