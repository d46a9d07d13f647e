local function f(...)
  local a, b = ...
  return select("#", ...), a, b, select(-1, ...), {...}
end
print(f(1, nil, 3))
print(select(2, "a", "b", "c"), pcall(select, 0))
print((f(nil)), table.unpack({1, 2, 3}, 2))
