print(tostring(shared))
