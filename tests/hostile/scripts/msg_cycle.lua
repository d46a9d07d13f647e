-- expect: failed
-- error: cannot send a table that contains itself
local a, b = {}, {}
a.next, b.next = b, a
os.send(2, a)
