-- A small player shell: reads command lines from its stdin, runs each as a
-- program installed on the VM, waits for it and says how it ended.
--
--   luaos run --program shell=examples/shell/shell.lua \
--             --program echo=examples/shell/echo.lua \
--             --program count=examples/shell/count.lua \
--             examples/shell/session.lua
--
-- or, at this terminal (its arguments after `--`: the prompt, and `echo` to
-- print each line read, as session.lua asks since nobody types there):
--
--   luaos run --stdin --program echo=examples/shell/echo.lua \
--             --program count=examples/shell/count.lua examples/shell/shell.lua
--
-- Built in: `exit [code]`, `status PID`, `jobs`; `&` at the end of a line runs
-- the program in the background.

local prompt = arg[1] or "$ "
local echo = arg[2] == "echo"
local background = {}

local function run(line)
    local cmd, err = os.parse_cmd(line)
    if not cmd then
        if err ~= "empty command line" then print("shell: " .. err) end
        return
    end
    local args = cmd.args
    local detach = args[#args] == "&"
    if detach then args[#args] = nil end

    if cmd.program == "exit" then
        os.exit(tonumber(args[1]) or 0)
    elseif cmd.program == "status" then
        print(args[1] .. ": " .. os.status(tonumber(args[1]) or 0))
        return
    elseif cmd.program == "jobs" then
        for _, pid in ipairs(background) do print(pid .. ": " .. os.status(pid)) end
        return
    end

    local pid, why = os.spawn(cmd.program, args)
    if not pid then
        print("shell: " .. why)
    elseif detach then
        background[#background + 1] = pid
        print("[" .. pid .. "] started")
    else
        local code = os.wait(pid)
        if code ~= 0 then print("shell: " .. cmd.program .. " exited with " .. code) end
    end
end

while true do
    io.write(prompt)
    local line = io.read()
    if line == nil then break end
    if echo then print(line) end  -- what was typed, as a terminal would show it
    run(line)
end
