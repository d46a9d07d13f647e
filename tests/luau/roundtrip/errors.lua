local ok, err = pcall(error, "plain", 0)
print(ok, err) --> false\tplain
ok, err = pcall(error, {code = 42})
print(ok, err.code) --> false\t42
print(xpcall(function() error("x", 0) end, function(m) return "handled " .. m end)) --> false\thandled x
print(pcall(function() return 1, 2 end)) --> true\t1\t2
print(select("#", pcall(error))) --> 2
local function safe_div(a, b)
  if b == 0 then error("division by zero", 0) end
  return a // b
end
print(pcall(safe_div, 7, 2)) --> true\t3
print(pcall(safe_div, 1, 0)) --> false\tdivision by zero
