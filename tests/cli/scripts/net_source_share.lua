-- VM 10.0.0.1 listens on port 80; every other VM opens connections to it and
-- holds them until it is refused, then prints how many it held.
if net.addresses()[1] == "10.0.0.1" then
    local listener = net.listen(80)
    os.sleep(40)
    listener:close()
else
    os.yield()
    local held = {}
    while true do
        local conn, why = net.connect("10.0.0.1", 80)
        if not conn then
            print("held", #held, why)
            break
        end
        held[#held + 1] = conn
    end
end
