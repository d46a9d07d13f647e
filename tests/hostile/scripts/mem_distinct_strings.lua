-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000
local keys = {}
for i = 1, 1e9 do keys["key number " .. i] = true end
