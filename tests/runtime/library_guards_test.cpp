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

TEST(ChargedBuiltins, ArgumentsAreCheckedBeforeAnyWorkIsCharged) {
    // Lua refuses these at once; charging the work up front killed the process.
    EXPECT_EQ(output_of(R"(
        print(pcall(table.move, {}, 0, math.maxinteger, 1))
        print(pcall(table.move, {}, 1, math.maxinteger, 2))
        print(pcall(table.sort, setmetatable({}, {__len = function() return math.maxinteger end})))
        print(pcall(table.sort, {3, 1, 2}, 42))
        print(pcall(table.move, 1, 1, 2, 3))
        print(pcall(table.sort, {5, 3, 8, 1, 9, 2, 7, 4, 6, 10}, function(a, b) return true end))
    )"),
              "false\tbad argument #3 to 'table.move' (too many elements to move)\n"
              "false\tbad argument #4 to 'table.move' (destination wrap around)\n"
              "false\tbad argument #1 to 'table.sort' (array too big)\n"
              "false\tbad argument #2 to 'table.sort' (function expected, got number)\n"
              "false\tbad argument #1 to 'table.move' (table expected, got number)\n"
              "false\tinvalid order function for sorting\n");
}

TEST(ChargedBuiltins, WorkIsChargedAsItIsDone) {
    // A huge move or sort that fails at its first element raises that error:
    // only the work done is charged, so nothing is killed.
    Exit exit = run_script(R"(
        local sink = setmetatable({}, {__newindex = function() error('no writes here', 0) end})
        print(pcall(table.move, {1}, 1, math.maxinteger - 1, 1, sink))
        local huge = setmetatable({}, {__len = function() return 1e8 end})
        print(pcall(table.sort, huge, function() error('no comparisons here', 0) end))
        print('alive')
    )");
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "false\tno writes here\nfalse\tno comparisons here\nalive\n");
}

TEST(ChargedBuiltins, SortOrdersEveryShapeOfInput) {
    // luaos sorts by itself (charging as it goes): sizes around every special
    // case of the quicksort, duplicates, sorted and reversed runs, a
    // comparator, and a table behind metamethods.
    EXPECT_EQ(output_of(R"(
        local seed = 12345
        local function random(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n end
        local failures = 0
        for _, n in ipairs({0, 1, 2, 3, 4, 5, 7, 99, 100, 101, 250, 3000}) do
            for _, shape in ipairs({"random", "few", "sorted", "reversed"}) do
                local t, sum = {}, 0
                for i = 1, n do
                    local v = shape == "random" and random(1000000) or shape == "few" and random(3)
                              or shape == "sorted" and i or n - i
                    t[i] = v
                    sum = sum + v
                end
                table.sort(t)
                local check = 0
                for i = 1, n do
                    check = check + t[i]
                    if i > 1 and t[i - 1] > t[i] then failures = failures + 1 end
                end
                if check ~= sum or #t ~= n then failures = failures + 1 end
            end
        end
        local words = {"pear", "fig", "apple", "kiwi", "date"}
        table.sort(words, function(a, b) return a > b end)
        local store = {9, 7, 8}
        local proxy = setmetatable({}, {__index = store, __newindex = store, __len = function() return #store end})
        table.sort(proxy)
        print(failures, table.concat(words, ","), table.concat(store, ","))
    )"),
              "0\tpear,kiwi,fig,date,apple\t7,8,9\n");
}

TEST(ChargedBuiltins, MoveKeepsLuasOrderForOverlappingRanges) {
    EXPECT_EQ(output_of(R"(
        local up = {1, 2, 3, 4, 5}
        table.move(up, 1, 4, 2)
        local down = {1, 2, 3, 4, 5}
        table.move(down, 2, 5, 1)
        local proxy = setmetatable({}, {__index = function(_, i) return i * 10 end})
        local into = table.move(proxy, 1, 3, 1, {})
        print(table.concat(up, ","), table.concat(down, ","), table.concat(into, ","))
    )"),
              "1,1,2,3,4\t2,3,4,5,5\t10,20,30\n");
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
