local f = load("return 1 + ...")
print(f(41))
print(load("syntax error here"))
local env = {x = 5}
print(load("return x", "=chunk", "t", env)())
print(load("\27Lua", "bin", "b"))
print(pcall(load, function() return nil end))
local g = load("x = 10; return x")
print(g(), x)
