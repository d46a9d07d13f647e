local E = setmetatable({}, {__tostring = function() return "custom error" end})
local ok, e = pcall(error, E)
print(ok, e == E, tostring(e))
error(setmetatable({}, {__tostring = function() return "uncaught " .. 42 end}))
