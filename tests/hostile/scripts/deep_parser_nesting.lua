-- expect: finished
-- stdout-contains: refused
local f, err = load(string.rep("(", 100000) .. "1" .. string.rep(")", 100000))
print(f == nil and "refused", err)
