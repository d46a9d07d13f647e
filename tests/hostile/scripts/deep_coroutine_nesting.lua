-- expect: finished
-- stdout-contains: stack overflow
local function nest(n)
    return coroutine.wrap(function() return nest(n + 1)() end)
end
local ok, err = pcall(nest(1))
print(ok, err:sub(-40))
