local i = 1
::top::
if i <= 3 then print("goto", i); i = i + 1; goto top end
for j = 1, 3 do
  for k = 1, 3 do
    if k == 2 then goto continue end
    print(j, k)
    ::continue::
  end
end
do goto done end
print("skipped")
::done::
while true do break end
repeat local x = 1 until x == 1
