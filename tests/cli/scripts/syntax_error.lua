local ok = true
local x = = 1
