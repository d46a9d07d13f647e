-- expect: failed
-- error: too many arguments to spawn (100000, the limit is 256)
-- options: ticks=1000
-- (filling the table takes some 400 slices of the default quantum)
local args = {}
for i = 1, 100000 do args[i] = "a" end
os.spawn_source("", args)
