-- expect: failed
-- error: cluster's memory cap
-- options: memory=1G cap=32M quantum=100000 ticks=2000
-- The VM's own limit is generous; the cap on all VMs together stops it.
local t = {}
for i = 1, 1e9 do t[i] = string.rep("c", 1000) .. i end
