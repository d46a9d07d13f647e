local unpack = unpack or table.unpack
local function count(...) return select("#", ...) end
local function second(...) return (select(2, ...)) end
print(count(), count(nil, nil), second("a", "b", "c")) --> 0\t2\tb
local function pack(...) return {n = select("#", ...), ...} end
local p = pack(1, 2, 3)
print(p.n, unpack(p)) --> 3\t1\t2\t3
local function sum(...)
  local total = 0
  for i = 1, select("#", ...) do total = total + (select(i, ...)) end
  return total
end
print(sum(1, 2, 3, 4)) --> 10
