-- expect: failed
-- error: mailbox full
-- Floods the bystander's mailbox (it never reads it): the mailbox is bounded
-- (64 messages, 64 KiB), so a send that will not wait (timeout 0) starts
-- failing; the bystander is untouched. (One that waits just waits, parked.)
while true do
    local ok, err = os.send(2, string.rep("x", 100), 0)
    if not ok then error(err) end
end
