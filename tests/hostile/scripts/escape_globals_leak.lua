-- expect: finished
-- Globals stay in this process: the bystanders assert they never see them.
secret = "from the hostile script"
_G.secret = "again"
load("secret = 'and again'")()
print(secret)
