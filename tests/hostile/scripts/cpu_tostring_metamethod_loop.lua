-- expect: killed
-- error: instructions without yielding
print(setmetatable({}, {__tostring = function() while true do end end}))
