print(tostring(nil), tostring(true), tostring(1e100), tostring(-0.0), #tostring(print) > 0)
print(type(print), type(nil), type({}), type("s"), type(2), type(coroutine.create(print)))
print(ipairs({}), #{n = 1}, next({}, nil), assert(1, "m"), pcall(assert, false), pcall(assert, nil, {}))
print(("%s"):format(setmetatable({}, {__name = "MyType"})):match("^MyType"))
