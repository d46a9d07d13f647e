-- Holds some 2 MB of strings at once, then ends.
local t = {}
for i = 1, 20000 do t[i] = string.rep("m", 100) .. i end
print(#t)
