local t = {5, 3, 8, 1, 9, 2}
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
table.insert(t, 1, 100); table.insert(t, 7)
print(table.remove(t), table.remove(t, 1), #t, table.unpack(t))
print(table.move({1, 2, 3}, 1, 3, 2)[3], select("#", table.unpack({}, 1, 3)))
print(next({}), rawlen({1, 2}), rawequal(t, t), #table.pack(1, nil, 3))
