local function tail(n) if n == 0 then return "done" end return tail(n - 1) end
print(tail(300))
print(pcall(string.rep, "x", -1), select("#", pcall(error)))
local function down(n) return down(n + 1) + 1 end
print(pcall(down, 1))
