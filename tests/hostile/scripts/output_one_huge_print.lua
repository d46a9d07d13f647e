-- expect: finished
-- stdout-contains: output truncated
-- stdout-max: 1100000
print(string.rep("y", 3000000))
