-- expect: running
::again:: goto again
