-- expect: running
while true do end
