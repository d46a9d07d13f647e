-- expect: failed
-- error: too many results
print(select("#", table.unpack({}, 1, 100000000)))
