assert(string.rep("ab", 2) == "abab")
