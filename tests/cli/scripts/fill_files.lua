-- Writes 1 KB files until the file system refuses one, then says why.
local chunk = ("x"):rep(1024)
for i = 1, 100 do
  local f, why = fs.open("/f" .. i, "w")
  if not f then print(i, why) return end
  local ok, reason = f:write(chunk)
  f:close()
  if not ok then print(i, reason) return end
end
print("never refused")
