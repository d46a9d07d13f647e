-- expect: failed
-- error: read-only table
rawset(math, "max", function() return 0 end)
