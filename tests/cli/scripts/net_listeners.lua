-- Opens two listeners and prints whether each opened, and why not.
local first, first_error = net.listen(0)
local second, second_error = net.listen(0)
print("first", first ~= nil, first_error)
print("second", second ~= nil, second_error)
