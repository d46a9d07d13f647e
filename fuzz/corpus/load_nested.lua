local src = "return function(n) if n <= 0 then return 0 end return n + load('return ' .. (n - 1))() end"
print(load(src)()(10))
local code = string.rep("local a = 1 ", 50) .. "return a"
print(load(code)())
print(load(("return " .. string.rep("(", 100) .. "1" .. string.rep(")", 100))))
