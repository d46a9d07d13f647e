local s = string.rep("x", 1024)
local t = {}
for i = 1, 64 do t[i] = s .. i end
print(#table.concat(t))
local big = string.rep("ab", 1 << 20)
print(#big, #(big .. big))
print(pcall(string.rep, big, 1 << 30))
