local mt = {__index = function(t, k) coroutine.yield(k) return k * 2 end,
            __lt = function(a, b) coroutine.yield("lt") return true end}
local co = coroutine.wrap(function()
  local t = setmetatable({}, mt)
  local v = t[21]
  local a = setmetatable({}, mt)
  return v, a < a
end)
print(co(), co(), co())
print(pcall(table.sort, {3, 2, 1}, function(a, b) coroutine.yield() return a < b end))
print(pcall(string.gsub, "abc", "%w", function(c) coroutine.yield(c) end))
