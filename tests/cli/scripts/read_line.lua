local line = io.read()
print(line == nil and "eof" or "line: " .. line)
