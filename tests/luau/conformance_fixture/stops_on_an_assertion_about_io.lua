local null = string.format("%p", nil)
assert(string.format("%p", io.stdin) ~= null)
