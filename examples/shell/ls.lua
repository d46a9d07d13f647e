-- ls [DIR]: the names in a directory of this VM (the working directory by
-- default), directories marked with a '/'.
local dir = arg[1] or "."
local names, why = fs.list(dir)
if not names then
    print("ls: " .. dir .. ": " .. why)
    os.exit(1)
end
for _, name in ipairs(names) do
    local path = dir == "/" and "/" .. name or dir .. "/" .. name
    print(fs.stat(path).kind == "directory" and name .. "/" or name)
end
