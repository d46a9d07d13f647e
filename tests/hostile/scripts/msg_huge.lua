-- expect: failed
-- error: os.send: message too large (the limit is 65536 bytes)
os.send(2, {string.rep("x", 40000), string.rep("y", 40000)})
