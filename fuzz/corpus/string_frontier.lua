print(("THE (quick) fox"):gsub("%f[%a]%a+", string.lower))
print(("aaa bbb"):gsub("%f[%w]%w+", {aaa = "A"}))
print(("1.5e3 0x1F -7"):gsub("[%d%.xXa-fA-F%-]+", tonumber))
print(string.byte("hello", 1, -1))
print(string.char(72, 105), ("%d"):rep(3, "-"), ("abc"):reverse(), ("ABC"):lower())
print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"), #utf8.charpattern)
for p, c in utf8.codes("añ€") do print(p, c) end
