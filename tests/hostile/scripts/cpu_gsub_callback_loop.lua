-- expect: killed
-- error: instructions without yielding
string.gsub("aaa", "a", function() while true do end end)
