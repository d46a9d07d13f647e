-- expect: failed
-- error: global 'debug'
debug.sethook()
