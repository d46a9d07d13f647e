-- expect: killed
-- error: instructions without yielding
-- Blocking inside a coroutine resumed from a comparator cannot reach the
-- scheduler; retrying forever is bounded by the CPU budget like any loop there.
table.sort({3, 2, 1}, function(a, b)
    while true do
        coroutine.resume(coroutine.create(function() os.wait(2) os.sleep(5) end))
    end
end)
