-- expect: failed
-- error: quota full
-- Writes files as fast as it can until its VM's quota (1 MiB by default) is
-- full: the write is refused, nothing is half-written, the bystanders and the
-- other VM are untouched.
local chunk = string.rep("q", 60000)
local n = 0
while true do
    n = n + 1
    local f = assert(fs.open("/fill" .. n, "w"))
    local ok, why = f:write(chunk)
    f:close()
    if not ok then
        assert(fs.free() < #chunk, "refused with room left")
        error(why)
    end
end
