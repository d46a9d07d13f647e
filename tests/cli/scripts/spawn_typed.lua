print("exit " .. os.wait(assert(os.spawn("typed", {"a", "b"}))))
