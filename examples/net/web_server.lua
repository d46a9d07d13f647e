-- A web server: on the VM at 10.0.0.1 it serves pages on port 80, one
-- request per connection, until no request came for 120 ticks. On any other
-- VM it does nothing (luaos run starts every script on every VM).
--
--   luaos run --vms 3 examples/net/web_server.lua examples/net/web_client.lua

if net.addresses()[1] ~= "10.0.0.1" then return end

local pages = {
    ["/"] = "<h1>luaos</h1><p>Welcome to 10.0.0.1.</p>",
    ["/bank"] = "<h1>Bank</h1><p>Your balance: 42 credits.</p>",
}

local function respond(conn, request)
    local method, path = request:match("^(%u+) (%S+) HTTP/1%.%d\r\n")
    local body = method == "GET" and pages[path]
    local status = body and "200 OK" or (method and "404 Not Found" or "400 Bad Request")
    body = body or "<h1>" .. status .. "</h1>"
    conn:send("HTTP/1.0 " .. status .. "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body)
end

local listener = assert(net.listen(80))
local served = 0
while true do
    local conn = listener:accept(120)
    if not conn then break end
    local request = conn:recv(60)
    if request then
        respond(conn, request)
        served = served + 1
    end
    conn:close()
end
print("web server: served " .. served .. " requests")
