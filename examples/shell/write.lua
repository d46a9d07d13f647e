-- write FILE [WORD...]: writes the words, on one line, into FILE (a file of
-- this VM, relative to the working directory); creates or replaces it.
local name = arg[1]
if not name then
    print("write: which file?")
    os.exit(2)
end
local f, why = fs.open(name, "w")
if not f then
    print("write: " .. name .. ": " .. why)
    os.exit(1)
end
f:write(table.concat(arg, " ", 2), "\n")
local ok, reason = f:close()
if not ok then
    print("write: " .. name .. ": " .. reason)
    os.exit(1)
end
