-- expect: finished
-- stdout-contains: survived
-- options: ticks=1000
-- Lua only registers a finalizer present when the metatable is set.
local mt = {}
for i = 1, 1000 do setmetatable({}, mt) end
mt.__gc = function() while true do end end
local garbage = {}
for i = 1, 20000 do garbage[i % 100] = {i} end
print("survived")
