-- expect: killed
-- error: instructions without yielding
-- A message handler runs where Lua cannot yield.
xpcall(error, function() while true do end end, "boom")
