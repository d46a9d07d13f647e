-- expect: failed
-- error: stdin full
-- Floods the bystander's stdin (it never reads it): stdin holds at most 64 KiB.
while true do
    local ok, err = os.write_stdin(2, string.rep("y", 1000))
    if not ok then error(err) end
end
