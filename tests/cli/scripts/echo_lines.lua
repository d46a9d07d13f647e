while true do
    local line = io.read()
    if line == nil then break end
    print("got " .. line)
end
print("eof")
