local s = string.rep("", 1 << 40)
local t = string.rep("", 1 << 30, "")
print(#s, #t, string.rep("ab", 3, ","))
