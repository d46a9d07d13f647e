-- expect: failed
-- error: truncated
error(string.rep("x", 5000000))
