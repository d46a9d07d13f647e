-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000
local all = {}
local n = 0
while true do
    n = n + 1
    local captured = n
    all[n] = function() return captured end
end
