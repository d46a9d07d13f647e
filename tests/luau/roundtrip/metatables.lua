local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec.__tostring(v) return "(" .. v.x .. ", " .. v.y .. ")" end
function Vec:len2() return self.x * self.x + self.y * self.y end
local v = Vec.new(1, 2) + Vec.new(3, 4)
print(tostring(v), v:len2(), v == Vec.new(4, 6)) --> (4, 6)\t52\ttrue
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) return setmetatable(Animal.new(name), Dog) end
function Dog:speak() return self.name .. " barks" end
print(Animal.new("cat"):speak(), Dog.new("rex"):speak()) --> cat makes a sound\trex barks
local default = setmetatable({}, {__index = function(t, k) return k .. "!" end})
print(default.hi) --> hi!
