local t = {}
for i = 1, 300 do t[i] = i end
for i = 1, 300, 2 do t[i] = nil end
local n = 0
for k, v in pairs(t) do n = n + 1 end
t[1.5], t[-1], t["k"], t[true] = 1, 2, 3, 4
print(n, #t >= 0, t[1.5], t[2^53])
print(pcall(function() t[0/0] = 1 end), pcall(rawset, t, nil, 1))
