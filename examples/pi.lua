-- Sums the Leibniz series for pi, reporting the estimate every 2,000,000 terms.
local sum, sign, terms = 0.0, 1.0, 0
for step = 1, 5 do
  for _ = 1, 2000000 do
    sum = sum + sign / (2 * terms + 1)
    sign = -sign
    terms = terms + 1
  end
  print(string.format("pi:      step %d/5: after %d terms pi is about %.6f", step, terms, 4 * sum))
end
