-- expect: failed
-- error: field 'execute'
os.execute("echo pwned")
