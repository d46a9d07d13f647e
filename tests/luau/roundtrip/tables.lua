local t = {5, 3, 8, 1}
table.sort(t)
print(table.concat(t, ","), #t) --> 1,3,5,8\t4
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, ",")) --> 8,5,3,1
table.insert(t, 2)
table.insert(t, 1, 9)
print(table.remove(t, 1), table.remove(t), #t) --> 9\t2\t4
local keys = {}
for k in pairs({b = 1, a = 2, c = 3}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys)) --> abc
local n = 0
for i, v in ipairs({"x", "y", nil, "z"}) do n = n + 1 end
print(n) --> 2
local grid = {}
for i = 1, 3 do grid[i] = {} for j = 1, 3 do grid[i][j] = i * j end end
print(grid[2][3], grid[3][3]) --> 6\t9
