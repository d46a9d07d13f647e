-- expect: failed
-- error: os.spawn_source: the VM's limit of 64 processes is reached
-- A fork bomb: every child spawns more. The per-VM process limit stops it
-- within two ticks; the bystander in the same VM was spawned first and runs on.
local code = "local code = ... while true do os.spawn_source(code, {code}) end"
while true do os.spawn_source(code, {code}) end
