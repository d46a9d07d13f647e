-- expect: failed
-- error: read-only table
local mt = getmetatable("")
mt.__index.upper = nil
