local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
local fs = {}
for i = 1, 5 do fs[i] = function() return i * get() end end
print(get(), fs[3](), fs[5]())
local function Y(f) return function(...) return f(Y(f), ...) end end
print(Y(function(self, n) if n < 2 then return 1 end return n * self(n - 1) end)(10))
