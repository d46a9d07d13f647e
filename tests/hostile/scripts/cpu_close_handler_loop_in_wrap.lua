-- expect: killed
-- error: instructions without yielding
-- A dead coroutine's __close handlers run when coroutine.wrap reports its error.
local f = coroutine.wrap(function()
    local guard <close> = setmetatable({}, {__close = function() while true do end end})
    error("fail")
end)
f()
