-- expect: failed
-- error: read-only table
table.insert(table, "x")
