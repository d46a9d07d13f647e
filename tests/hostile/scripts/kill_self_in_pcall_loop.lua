-- expect: killed
-- error: killed by itself
while true do pcall(os.kill, os.getpid()) end
