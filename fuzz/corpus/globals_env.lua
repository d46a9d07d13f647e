x = 1
_G.y = 2
print(x, y, rawget(_G, "print"), _ENV == _G, type(os), os.time() > 0, type(os.clock()))
print(io, require, dofile, loadfile, collectgarbage, string.dump, debug)
local _ENV = {print = print}
z = 3
print(z, x)
