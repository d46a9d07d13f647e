-- expect: failed
-- error: memory limit
-- options: quantum=100000 ticks=2000
-- Each refused allocation costs an emergency collection of the whole shared
-- state: a script that catches the memory error and tries again is stopped.
while true do
    pcall(function()
        local t = {}
        for i = 1, 1e9 do t[i] = i end
    end)
end
