-- expect: running
local function spin() return spin() end
spin()
