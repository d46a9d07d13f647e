-- Five lines with enough work between them to span many slices.
for i = 1, 5 do
  print("B" .. i)
  local sum = 0
  for j = 1, 2000 do sum = sum + j end
end
