local function gen(d)
  return coroutine.wrap(function()
    if d == 0 then coroutine.yield(d) return end
    for v in gen(d - 1) do coroutine.yield(v + 1) end
  end)
end
for v in gen(6) do print(v) end
local co = coroutine.create(function() error({code = 7}) end)
local ok, e = coroutine.resume(co)
print(ok, type(e), e.code, coroutine.close(co))
