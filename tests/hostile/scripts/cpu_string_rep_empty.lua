-- expect: finished
-- stdout-contains: empty
-- Repeating nothing allocates nothing, so only a guard keeps it from looping
-- in C for hours (found by the fuzzer).
local a = string.rep("", 1 << 40)
local b = string.rep("", math.maxinteger, "")
print(#a == 0 and #b == 0 and "empty")
