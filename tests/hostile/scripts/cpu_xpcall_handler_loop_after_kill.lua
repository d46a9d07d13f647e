-- expect: killed
-- error: instructions without yielding
-- The kill is raised from the hook; Lua then runs the message handler with
-- hooks off. A looping handler must not run at all.
table.sort({1, 2, 3}, function()
    xpcall(function() while true do end end, function() while true do end end)
    return false
end)
