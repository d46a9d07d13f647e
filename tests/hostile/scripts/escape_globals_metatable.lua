-- expect: failed
-- error: cannot change a protected metatable
assert(getmetatable(_G) == false)
setmetatable(_G, {__index = function() return nil end})
