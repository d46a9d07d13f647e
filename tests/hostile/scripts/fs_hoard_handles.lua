-- expect: failed
-- error: too many open files
-- Opens files and keeps every handle: one process holds at most 16 open.
local kept = {}
while true do
    local f, why = fs.open("/h" .. #kept, "w")
    if not f then error(why) end
    kept[#kept + 1] = f
end
