-- expect: killed
-- error: table too large to sort
-- options: quantum=100000 ticks=1000
local t = {}
for i = 1, 300000 do t[i] = (i * 7919) % 300000 end
table.sort(t)
