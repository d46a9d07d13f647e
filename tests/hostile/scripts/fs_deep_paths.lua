-- expect: failed
-- error: invalid path: too deep
-- Digs ever deeper directories, then tries to climb out of the VM's root with
-- "..": paths are bounded in depth and length, and ".." stops at the root.
assert(fs.open("/../../../../../etc/passwd") == nil, "reached a host file")
local f = assert(fs.open("/../../escape", "w"))
f:close()
assert(fs.exists("/escape"), "'..' at the root must stay at the root")
assert(fs.open(string.rep("../", 90) .. "x", "w") == nil, "an overlong path resolved")
assert(fs.open("/a\0/../b", "w") == nil, "a NUL byte in a name was accepted")
while true do
    local ok, why = fs.mkdir("d")
    if not ok then error(why) end
    assert(os.chdir("d"))
end
