-- expect: killed
-- error: instructions without yielding
-- A script that catches the kill error and loops must still die.
table.sort({1, 2, 3}, function()
    while true do pcall(function() while true do end end) end
end)
