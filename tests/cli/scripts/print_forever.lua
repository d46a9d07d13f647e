while true do print("tick") coroutine.yield() end
