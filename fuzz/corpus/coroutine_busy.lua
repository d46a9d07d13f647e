local co = coroutine.wrap(function()
  local x = 0
  while true do for i = 1, 1000 do x = x + i end coroutine.yield(x) end
end)
for _ = 1, 5 do print(co()) end
