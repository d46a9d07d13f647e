-- expect: failed
-- error: os.send: message too large
-- A table reached twice is copied twice, so sharing doubles the copy at each
-- level; the encoder stops at the size limit instead of copying it all.
local t = {"leaf"}
for i = 1, 14 do t = {t, t} end
os.send(2, t)
