local s = "key1=val1, key2=val2; k3 = v3"
for k, v in s:gmatch("(%w+)%s*=%s*(%w+)") do print(k, v) end
print(s:find("k(%d)"), s:match("^(%a+)"), s:gsub("%d", "#"))
print(("hello world"):gsub("(%w+)", "<%1>"))
print(("abc"):gsub("", "-"), ("%bxy"):len(), ("f(a(b)c)"):match("%b()"))
print(("THE (quick) fox"):find("%((%a+)%)"), ("x"):rep(3, ","))
print(string.format("%5.2f|%-5d|%q|%x|%s", 3.14159, 42, "a\nb\0", 255, nil))
