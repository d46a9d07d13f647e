local base = {greet = function(self) return "hi " .. self.name end}
local mid = setmetatable({}, {__index = base})
local obj = setmetatable({name = "x"}, {__index = mid, __newindex = function(t, k, v) rawset(t, k, v * 2) end})
obj.n = 21
print(obj:greet(), obj.n, rawget(obj, "greet"))
local proxy = setmetatable({}, {__index = function(_, k) return k .. "!" end})
print(proxy.a, proxy[1])
print(getmetatable("").__index == string, getmetatable(_G))
