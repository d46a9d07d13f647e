-- expect: killed
-- error: instructions without yielding
-- Setting a hook walks the thread's whole call chain, which is long here, and
-- the comparator cannot yield, so the watchdog signals it every round: each
-- signal must not walk the chain again, or the walks leave the script no time
-- to reach its CPU budget.
-- options: memory=256M quantum=100000
local function deeper(n)
    if n == 0 then
        table.sort({ 3, 2, 1 }, function()
            while true do end
        end)
    end
    return 1 + deeper(n - 1)
end
deeper(450000)
