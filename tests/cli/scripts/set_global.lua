shared = "set by pid 1"
print(shared)
