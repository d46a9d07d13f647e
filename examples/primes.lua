-- Counts primes by trial division and reports every 5000th one. Each report
-- takes milliseconds, far more than one slice, so the scheduler preempts
-- this loop mid-search and the other scripts run.
local function is_prime(n)
  if n < 2 then return false end
  for d = 2, math.floor(math.sqrt(n)) do
    if n % d == 0 then return false end
  end
  return true
end

local found, n = 0, 1
for step = 1, 5 do
  while found < step * 5000 do
    n = n + 1
    if is_prime(n) then found = found + 1 end
  end
  print(string.format("primes:  step %d/5: prime number %d is %d", step, found, n))
end
