print(select("#", ...), ...)
print(arg[0], #arg, table.concat(arg, ","))
