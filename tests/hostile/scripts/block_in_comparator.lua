-- expect: failed
-- error: os.receive cannot wait here
-- A blocking call where Lua cannot yield is an error, not a frozen tick.
table.sort({3, 2, 1}, function(a, b) os.receive() return a < b end)
