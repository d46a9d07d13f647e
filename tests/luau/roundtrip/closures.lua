local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local a, b = counter(), counter()
a(); a()
print(a(), b()) --> 3\t1
local fns = {}
for i = 1, 3 do fns[i] = function() return i * 10 end end
print(fns[1](), fns[3]()) --> 10\t30
