local i = 0
while true do i = i + 1; print(string.rep("line ", 10), i) end
