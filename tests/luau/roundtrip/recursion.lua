local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fib(20), fact(10)) --> 6765\t3628800
local function hanoi(n, from, to, via, moves)
  if n == 0 then return moves end
  moves = hanoi(n - 1, from, via, to, moves)
  moves = moves + 1
  return hanoi(n - 1, via, to, from, moves)
end
print(hanoi(10, "a", "c", "b", 0)) --> 1023
