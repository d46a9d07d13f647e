-- expect: killed
-- error: stack too deep to find the globals
-- load() without an environment gives the chunk the process's globals, the
-- first parameter of its main function at the bottom of its stack. Lua finds
-- a frame only by walking down from the top, so a load this deep walks some
-- two million frames: the walk is charged to the CPU budget, which ends it.
-- options: memory=64M quantum=100000 ticks=2000
local function deeper(n)
    if n == 0 then
        while true do
            load("return 1")
        end
    end
    return 1 + deeper(n - 1)
end
deeper(100000)
