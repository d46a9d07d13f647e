-- expect: running
while true do pcall(error, "again") end
