-- expect: failed
-- error: read-only table
string.upper = function() return "pwned" end
