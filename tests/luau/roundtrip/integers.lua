print(7 // 2, -7 // 2, 7 % 3, -7 % 3) --> 3\t-4\t1\t2
print(2 ^ 10 == 1024, 10 - 3 * 2, (10 - 3) * 2) --> true\t4\t14
print(math.max(3, 9, 4), math.min(3, 9, 4), math.abs(-5)) --> 9\t3\t5
print(math.floor(7 / 2), math.ceil(7 / 2)) --> 3\t4
print(string.format("%d %5d %03d", 42, 7, 5)) --> 42     7 005
print(tostring(100), 100 .. "", #tostring(12345)) --> 100\t100\t5
local total = 0
for i = 10, 1, -3 do total = total + i end
print(total) --> 22
print(1 < 2, "a" < "b", 3 == 3, 4 ~= 4) --> true\ttrue\ttrue\tfalse
