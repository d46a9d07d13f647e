-- count N [every=T]: counts to N, one number every T ticks (default 1);
-- exits with 3 when N is not a number.
local n = tonumber(arg[1])
if not n then
    print("count: not a number: " .. tostring(arg[1]))
    os.exit(3)
end
local every = 1
for _, a in ipairs(arg) do every = tonumber(a:match("^every=(%d+)$")) or every end
for i = 1, n do
    print(i)
    os.sleep(every)
end
