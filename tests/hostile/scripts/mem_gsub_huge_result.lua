-- expect: failed
-- error: not enough memory
-- options: quantum=100000 ticks=2000 cpu=1000000000
string.gsub(string.rep("a", 1000000), "a", string.rep("b", 100))
