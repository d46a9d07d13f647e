-- expect: failed
-- error: invalid conversion
string.format("%0999999d", 1)
