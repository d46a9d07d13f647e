// The guarded library: read-only shared tables, setmetatable without
// finalizers, rawset, xpcall and the charged builtins keep Lua's meaning for
// correct scripts.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

std::string error_of(std::string_view code) {
    Exit exit = run_script(code);
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    return exit.error;
}

class LibraryWrite : public ::testing::TestWithParam<const char*> {};

TEST_P(LibraryWrite, IsRefused) {
    EXPECT_NE(error_of(GetParam()).find("attempt to modify a read-only table"), std::string::npos) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(ReadOnlyLibraries, LibraryWrite,
                         ::testing::Values("string.upper = nil", "math.pi = 3", "table.extra = {}", "os.time = nil",
                                           "utf8.char = print", "coroutine.wrap = nil", "rawset(string, 'x', 1)",
                                           "getmetatable('').__index.rep = nil",
                                           "getmetatable('').__index = {}", "table.insert(math, 1)"));

TEST(ReadOnlyLibraries, ReadsIterationAndMethodsWorkAsInLua) {
    EXPECT_EQ(output_of(R"(
        local names = {}
        for name, value in pairs(math) do
            if type(value) == "function" then names[#names + 1] = name end
        end
        table.sort(names)
        print(#names > 20, names[1], math.max(3, 7), ("abc"):upper(), string.format("%03d", 7))
        print(getmetatable("").__index.upper("x"), rawget(string, "upper"))
    )"),
              "true\tabs\t7\tABC\t007\nX\tnil\n");
}

TEST(ReadOnlyLibraries, AProcessMayShadowALibraryWithItsOwnGlobal) {
    EXPECT_EQ(output_of("local real = string string = {upper = function() return 'mine' end} "
                        "print(string.upper('a'), real.upper('a'))"),
              "mine\tA\n");
}

TEST(Setmetatable, RefusesFinalizers) {
    EXPECT_NE(error_of("setmetatable({}, {__gc = function() end})").find("__gc metamethods are not allowed"),
              std::string::npos);
    EXPECT_NE(error_of("setmetatable({}, {__gc = true})").find("__gc metamethods are not allowed"), std::string::npos);
}

TEST(Setmetatable, KeepsLuasMeaning) {
    EXPECT_EQ(output_of(R"(
        local t = {}
        local mt = {__index = function(_, k) return k .. "!" end, __metatable = "locked"}
        print(setmetatable(t, mt) == t, t.hi, getmetatable(t))
        print(pcall(setmetatable, t, {}))
        print(pcall(setmetatable, 1, {}))
        local plain = setmetatable({}, nil)
        print(getmetatable(plain))
    )"),
              "true\thi!\tlocked\n"
              "false\tcannot change a protected metatable\n"
              "false\tbad argument #1 to 'setmetatable' (table expected, got number)\n"
              "nil\n");
}

TEST(Rawset, WritesOrdinaryTables) {
    EXPECT_EQ(output_of("local t = setmetatable({}, {__newindex = error}) print(rawset(t, 'k', 1) == t, t.k)"),
              "true\t1\n");
}

TEST(Xpcall, KeepsLuasMeaning) {
    EXPECT_EQ(output_of(R"(
        print(xpcall(function(a, b) return a + b, "ok" end, print, 2, 3))
        print(xpcall(error, function(e) return "handled: " .. e end, "oops", 0))
        print(xpcall(function() coroutine.yield() return "after yield" end, print))
        print(pcall(xpcall))
    )"),
              "true\t5\tok\n"
              "false\thandled: oops\n"
              "true\tafter yield\n"
              "false\tbad argument #2 to 'xpcall' (function expected, got no value)\n");
}

TEST(ChargedBuiltins, SortAndMoveWorkAsInLua) {
    EXPECT_EQ(output_of(R"(
        local t = {5, 1, 4, 2, 3}
        table.sort(t)
        local u = {"b", "c", "a"}
        table.sort(u, function(x, y) return x > y end)
        local moved = table.move({1, 2, 3}, 1, 3, 2, {})
        print(table.concat(t, ","), table.concat(u, ","), moved[1], moved[2], moved[4])
        print((pcall(table.move, {}, 1, 0, 1)))
    )"),
              "1,2,3,4,5\tc,b,a\tnil\t1\t3\n"
              "true\n");
}

}  // namespace
}  // namespace luaos::test

namespace luaos::test {
namespace {

TEST(ChargedBuiltins, RepKeepsLuasMeaning) {
    EXPECT_EQ(output_of(R"(
        print(string.rep("ab", 3), string.rep("ab", 3, ","), string.rep("x", 0), string.rep("x", -1))
        print(("-"):rep(4), #string.rep("", 1 << 40), string.rep(12, 2))
        print(pcall(string.rep))
    )"),
              "ababab\tab,ab,ab\t\t\n"
              "----\t0\t1212\n"
              "false\tbad argument #1 to 'string.rep' (string expected, got no value)\n");
}

}  // namespace
}  // namespace luaos::test
