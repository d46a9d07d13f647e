-- expect: failed
-- error: spawn arguments too large (more than 65536 bytes)
os.spawn_source("", {string.rep("x", 40000), string.rep("x", 40000)})
