-- expect: failed
-- error: field 'open'
-- io has only read and write, on the process's own streams: no files.
io.open("/etc/passwd")
