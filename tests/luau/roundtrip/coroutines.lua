local gen = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i * i) end
  return "done"
end)
print(gen(), gen(), gen(), gen()) --> 1\t4\t9\tdone
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  return c * 2
end)
print(coroutine.resume(co, 1, 2)) --> true\t3
print(coroutine.status(co)) --> suspended
print(coroutine.resume(co, 5)) --> true\t10
print(coroutine.status(co), coroutine.resume(co)) --> dead\tfalse\tcannot resume dead coroutine
