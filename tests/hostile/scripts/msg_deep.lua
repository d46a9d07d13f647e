-- expect: failed
-- error: os.send: message tables nested too deeply (the limit is 16)
local t = {}
for i = 1, 1000 do t = {t} end
os.send(2, t)
