local s = "Hello, World"
print(s:upper(), s:lower(), s:len()) --> HELLO, WORLD\thello, world\t12
print(s:sub(1, 5), s:sub(-5)) --> Hello\tWorld
print(s:find("World")) --> 8\t12
print(s:match("(%a+), (%a+)")) --> Hello\tWorld
print((s:gsub("o", "0"))) --> Hell0, W0rld
print(string.format("%s has %d chars", s, #s)) --> Hello, World has 12 chars
print(("ab"):rep(3), string.byte("A"), string.char(97, 98)) --> ababab\t65\tab
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w end
print(table.concat(words, "|")) --> Hello|World
print(("%5s|%-5s|"):format("a", "b")) -->     a|b    |
