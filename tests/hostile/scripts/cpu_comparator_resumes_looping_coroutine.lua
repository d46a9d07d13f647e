-- expect: killed
-- error: instructions without yielding
table.sort({1, 2, 3}, function(a, b)
    local co = coroutine.wrap(function() while true do end end)
    co()
    return a < b
end)
