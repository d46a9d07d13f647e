local p = string.pack("i4 d s1 z", -7, 2.5, "hi", "zero")
print(#p, string.unpack("i4 d s1 z", p))
print(string.packsize("i4 i8 d"), pcall(string.pack, "i17", 1))
print(("%s %10.3s %-8s|"):format("a", "abcdef", "x"))
