-- expect: failed
-- error: /etc/passwd: no such file or directory
-- io reads and writes the process's own streams and opens the VM's own files:
-- the host's /etc/passwd is none of them, however the path climbs.
assert(io.popen == nil and io.stdout == nil and io.input == nil)
for _, path in ipairs({"/etc/passwd", "../../../../../../etc/passwd", "//etc//passwd", "/etc/passwd\0.txt"}) do
    local f, why = io.open(path)
    assert(f == nil, path)
end
for line in io.lines("/etc/passwd") do print(line) end
