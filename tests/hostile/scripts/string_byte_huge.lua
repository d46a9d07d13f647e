-- expect: failed
-- error: string slice too long
string.byte(string.rep("a", 2000000), 1, -1)
