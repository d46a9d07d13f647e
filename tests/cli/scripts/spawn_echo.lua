local pid = assert(os.spawn("echo", {"hi", "there", "upper=yes"}))
print("echo exited with " .. os.wait(pid))
