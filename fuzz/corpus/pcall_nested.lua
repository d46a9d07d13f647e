local depth = 0
local function f(n)
  depth = depth + 1
  if n == 0 then error("bottom") end
  return pcall(f, n - 1)
end
print(f(30), depth)
print(pcall(string.rep))
print(pcall(setmetatable, 1, 2))
