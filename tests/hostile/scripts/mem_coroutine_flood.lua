-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000
local all = {}
while true do all[#all + 1] = coroutine.create(function() end) end
