local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(v) return "V(" .. v.x .. ")" end
V.__call = function(v, k) return v.x * k end
V.__len = function() return 99 end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
V.__unm = function(a) return setmetatable({x = -a.x}, V) end
local a, b = setmetatable({x = 1}, V), setmetatable({x = 2}, V)
print(tostring(a + b), a == b, a < b, a <= b, a(5), #a, a .. b, tostring(-a))
