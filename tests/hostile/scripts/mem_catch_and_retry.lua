-- expect: failed
-- error: memory limit of 16777216 bytes is reached (the 3rd memory error within 100 ticks)
-- options: quantum=100000 ticks=2000
-- Each memory error costs an emergency collection of the whole shared state:
-- a script may catch one and go on, but one that keeps trying again is stopped.
while true do
    pcall(function()
        local t = {}
        for i = 1, 1e9 do t[i] = i end
    end)
end
