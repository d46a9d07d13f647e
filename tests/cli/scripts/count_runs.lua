-- Counts its runs in a file of its VM: prints 1 the first time, 2 the next, ...
local runs = 0
local f = fs.open("/runs")
if f then
  runs = tonumber(f:read("a"))
  f:close()
end
runs = runs + 1
f = assert(fs.open("/runs", "w"))
f:write(runs)
assert(f:close())
print(runs)
