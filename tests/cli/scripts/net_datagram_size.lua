-- Sends a datagram of 2048 bytes and one of 2049 to itself; prints each
-- size and "ok" or the error.
for _, size in ipairs({2048, 2049}) do
    local ok, err = pcall(net.send, "10.0.0.1", 9, string.rep("x", size))
    print(size, ok and "ok" or err)
end
