-- expect: failed
-- Lua's stack limit or the memory limit, whichever comes first.
-- error: overflow
-- options: memory=256M quantum=100000 ticks=2000
local function deeper(n) return 1 + deeper(n + 1) end
deeper(1)
