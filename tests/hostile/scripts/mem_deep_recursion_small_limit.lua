-- expect: failed
-- error: not enough memory
-- options: memory=2M quantum=100000 ticks=2000
local function deeper(n) return 1 + deeper(n + 1) end
deeper(1)
