-- expect: killed
-- error: instructions without yielding
-- Setting a hook walks the thread's whole call chain, which is long here, and
-- the comparator cannot yield, so the watchdog signals it every round: each
-- signal must not walk the chain again, or the walks leave the script no time
-- to reach its CPU budget.
-- options: memory=256M quantum=100000 ticks=2000
-- (In the deadline mode each slice of the dive overruns by the walk that sets
-- the hook, and the process sits out turns to repay that: on a slow machine
-- some 60 slices and 100-140 turns sat out, close to the default 200 ticks.)
local function deeper(n)
    if n == 0 then
        table.sort({ 3, 2, 1 }, function()
            while true do end
        end)
    end
    return 1 + deeper(n - 1)
end
deeper(450000)
