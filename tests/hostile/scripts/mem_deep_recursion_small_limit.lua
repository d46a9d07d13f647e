-- expect: failed
-- error: stack overflow
-- options: memory=2M quantum=100000 ticks=2000
-- The memory limit comes long before Lua's stack limit; the error is still
-- Lua's stack overflow (and a script could catch it).
local function deeper(n) return 1 + deeper(n + 1) end
deeper(1)
