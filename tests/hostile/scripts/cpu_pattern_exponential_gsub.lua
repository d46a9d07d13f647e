-- expect: killed
-- error: pattern too complex
string.gsub(string.rep("ab", 20000), "(.-)*(.-)*(.-)*x", "y")
