-- expect: killed
-- error: too many elements to move
-- No memory is needed to move absent elements: only the CPU budget stops it.
table.move({}, 1, 1000000000000, 2)
