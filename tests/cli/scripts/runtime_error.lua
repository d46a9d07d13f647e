print("before")
local function explode() error("boom") end
explode()
