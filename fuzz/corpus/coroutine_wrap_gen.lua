local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local s = 0
for i in range(50) do s = s + i end
print(s, coroutine.isyieldable(), coroutine.running())
