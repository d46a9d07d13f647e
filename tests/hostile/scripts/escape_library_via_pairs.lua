-- expect: failed
-- error: read-only table
-- pairs() walks a library without handing the library itself out.
local iterate, state = pairs(string)
local n = 0
for name in iterate, state do n = n + 1 end
assert(n > 10)
rawset(state, "upper", nil)
