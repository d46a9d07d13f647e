print(10 / 2, 2 ^ 3)
