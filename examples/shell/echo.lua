-- echo [WORD...] [upper=yes]: prints its arguments on one line.
local words = {}
for _, word in ipairs(arg) do
    if not word:find("^upper=") then words[#words + 1] = word end
end
local line = table.concat(words, " ")
if os.parse_cmd("echo " .. table.concat(arg, " ")).args.upper == "yes" then line = line:upper() end
print(line)
