-- Plays a player at a terminal: starts the shell, types lines into its
-- stdin, then waits for the shell to exit.
local shell = assert(os.spawn("shell", {"$ ", "echo"}))
for _, line in ipairs({
    'echo hello "big world"',
    "echo quiet upper=yes",
    "count 3",
    "count lots",
    "count 2 every=5 &",
    "nosuch program",
    "echo 'unbalanced",
    "jobs",
    "exit 0",
}) do
    os.write_stdin(shell, line)
end
print("shell exited with " .. os.wait(shell))
