-- expect: failed
-- error: os.write_stdin: line too long (the limit is 65536 bytes)
os.write_stdin(2, string.rep("x", 1 << 20))
