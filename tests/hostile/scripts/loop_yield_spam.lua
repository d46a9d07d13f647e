-- expect: running
while true do coroutine.yield() end
