-- expect: finished
-- A script that stays within its limit is left alone.
local t = {}
for i = 1, 1000 do t[i] = string.rep("k", 1000) .. i end
for i = 1, 10 do coroutine.yield() end
print(#t)
