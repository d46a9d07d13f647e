-- expect: running
-- A sleeper, a waiter on a process that never ends and a reader of an
-- empty stdin cost nothing and stop no one.
os.spawn_source("os.sleep(math.maxinteger)")
os.spawn_source("io.read()")
os.spawn_source("os.receive()")
os.wait(3)
