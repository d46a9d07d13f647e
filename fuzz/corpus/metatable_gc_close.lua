local log = {}
do
  local x <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "closed " .. tostring(e) end})
  local y <const> = 5
  log[#log + 1] = y
end
print(pcall(function()
  local z <close> = setmetatable({}, {__close = function(_, e) log[#log + 1] = "unwound " .. tostring(e) end})
  error("inside")
end))
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
print(table.concat(log, ","))
print(pcall(setmetatable, {}, {__gc = function() log[#log + 1] = "gc" end}))
