local i = 0
while true do
  i = i + 1
  if i > 3 then break end
end
print(i) --> 4
local n = 0
repeat local done = n >= 2 n = n + 1 until done
print(n) --> 3
local out = {}
for a = 1, 3 do
  for b = 1, 3 do
    if b > a then break end
    out[#out + 1] = a .. b
  end
end
print(table.concat(out, " ")) --> 11 21 22 31 32 33
do local x = 1; local y = x + 1; print(x, y) end --> 1\t2
