-- Looks for the longest Collatz chain among growing ranges of start values:
-- a CPU-bound loop with no yields of its own, preempted like any other
-- process.
local function chain_length(n)
  local length = 1
  while n ~= 1 do
    if n % 2 == 0 then n = n // 2 else n = 3 * n + 1 end
    length = length + 1
  end
  return length
end

local best_start, best_length = 1, 1
for step = 1, 5 do
  for start = (step - 1) * 10000 + 1, step * 10000 do
    local length = chain_length(start)
    if length > best_length then best_start, best_length = start, length end
  end
  print(string.format("collatz: step %d/5: below %d the longest chain starts at %d (%d numbers)",
    step, step * 10000 + 1, best_start, best_length))
end
