print("ready")
coroutine.yield()
while true do end
