-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000
local s = "x"
while true do s = s .. s end
