-- expect: finished
-- stdout-contains: survived
local function again() pcall(again) end
again()
print("survived")
