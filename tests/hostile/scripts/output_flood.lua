-- expect: running
-- stdout-contains: output truncated
-- stdout-max: 66000
-- options: output=64K ticks=50
while true do print(string.rep("x", 1000)) end
