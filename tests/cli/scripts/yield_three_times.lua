-- Each top-level yield ends the slice: this process runs in four ticks.
coroutine.yield()
coroutine.yield()
coroutine.yield()
return "done"
