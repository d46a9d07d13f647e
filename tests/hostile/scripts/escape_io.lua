-- expect: failed
-- error: global 'io'
io.open("/etc/passwd")
