-- expect: killed
-- error: instructions without yielding
-- table.concat reads elements through __index from C.
local t = setmetatable({}, {__index = function() while true do end end})
table.concat(t, ",", 1, 3)
