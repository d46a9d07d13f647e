-- expect: killed
-- error: instructions without yielding
-- A coroutine killed by the CPU limit keeps a looping __close handler;
-- closing it afterwards must not run that handler with hooks disabled.
local co = coroutine.create(function()
    local guard <close> = setmetatable({}, {__close = function() while true do end end})
    table.sort({1, 2, 3}, function() while true do end end)
end)
print(coroutine.resume(co))
coroutine.close(co)
