-- cat FILE...: prints files of this VM.
for _, name in ipairs(arg) do
    local f, why = fs.open(name)
    if not f then
        print("cat: " .. name .. ": " .. why)
        os.exit(1)
    end
    io.write(f:read("a"))
    f:close()
end
