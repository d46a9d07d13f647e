-- expect: failed
-- error: attempt to call a nil value
string.dump(function() end)
