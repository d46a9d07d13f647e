-- expect: failed
-- error: mailbox full
-- Floods the bystander's mailbox (it never reads it): the mailbox is bounded
-- (64 messages, 64 KiB), so send starts failing; the bystander is untouched.
while true do
    local ok, err = os.send(2, string.rep("x", 100))
    if not ok then error(err) end
end
