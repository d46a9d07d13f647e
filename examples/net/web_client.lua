-- A browser: on every VM but 10.0.0.1 it fetches two pages from the web
-- server there (examples/net/web_server.lua) and prints what came back.

local me = net.addresses()[1]
if me == nil or me == "10.0.0.1" then return end

local function get(path)
    local conn, why = net.connect("10.0.0.1", 80, 60)
    if not conn then return nil, why end
    conn:send("GET " .. path .. " HTTP/1.0\r\nHost: 10.0.0.1\r\n\r\n")
    local response = conn:recv(60)
    conn:close()
    return response
end

for _, path in ipairs({"/", "/missing"}) do
    local response, why = get(path)
    if not response then error("GET " .. path .. ": " .. why) end
    local status = response:match("^HTTP/1%.0 (%d+)")
    local body = response:match("\r\n\r\n(.*)$")
    print(me .. " GET " .. path .. " -> " .. status .. " " .. body)
end
