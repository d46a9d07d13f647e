-- expect: killed
-- error: instructions without yielding
-- C calling C: coroutine.close as a comparator, on coroutines whose __close loops.
local cos = {}
for i = 1, 3 do
    cos[i] = coroutine.create(function()
        local guard <close> = setmetatable({}, {__close = function() while true do end end})
        coroutine.yield()
    end)
    coroutine.resume(cos[i])
end
table.sort(cos, coroutine.close)
