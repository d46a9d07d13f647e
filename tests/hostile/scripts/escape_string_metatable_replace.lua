-- expect: failed
-- error: read-only table
getmetatable("").__index = {len = function() return 0 end}
