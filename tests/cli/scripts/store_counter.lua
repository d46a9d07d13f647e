-- Counts forever, one step a tick, in its VM's files: step n writes
-- /data/<n % 100> (a length line, then "n," 50 times) and then /count (n),
-- both in one slice, so both are in the same commit. It resumes from /count.
local n = 0
local saved = fs.open("/count")
if saved then
  n = tonumber(saved:read("a"))
  saved:close()
end
fs.mkdir("/data")
while true do
  n = n + 1
  local body = string.rep(n .. ",", 50)
  local data = assert(fs.open("/data/" .. (n % 100), "w"))
  data:write(#body, "\n", body)
  assert(data:close())
  local count = assert(fs.open("/count", "w"))
  count:write(n)
  assert(count:close())
  print(n)
  os.yield()
end
