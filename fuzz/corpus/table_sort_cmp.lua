local t = {}
for i = 1, 200 do t[i] = (i * 7919) % 211 end
local calls = 0
table.sort(t, function(a, b) calls = calls + 1; return a < b end)
print(t[1], t[200], calls > 0)
print(pcall(table.sort, {3, 1, 2}, function() return true end))
print(pcall(table.sort, {1, "x", 2}))
