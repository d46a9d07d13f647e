-- expect: finished
-- os.exit ends only this process, even from inside pcall and xpcall handlers.
pcall(function() xpcall(os.exit, function() while true do end end) end)
print("not reached")
error("not reached")
