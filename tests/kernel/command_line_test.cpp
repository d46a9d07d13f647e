// os.parse_cmd: splitting a player's command line.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

// Runs os.parse_cmd on `line` (given to the script as its argument).
std::string parse(const std::string& line) {
    Harness h;
    SpawnOptions options;
    options.args = {line};
    SpawnResult result = h.os.spawn_process(R"lua(
        local cmd, err = os.parse_cmd(...)
        if not cmd then print('nil', err) return end
        local out = {cmd.program}
        for i, a in ipairs(cmd.args) do out[#out + 1] = '[' .. a .. ']' end
        local keys = {}
        for k, v in pairs(cmd.args) do if type(k) == 'string' then keys[#keys + 1] = k .. '=' .. v end end
        table.sort(keys)
        io.write(table.concat(out, ' ') .. ' | ' .. table.concat(keys, ' '))
    )lua", "parse.lua", options);
    h.run();
    Exit exit = h.exit_of(result.pid);
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    return exit.output;
}

TEST(CommandLine, SplitsOnBlanks) { EXPECT_EQ(parse("  ls   -l\t/home  "), "ls [-l] [/home] | "); }

TEST(CommandLine, Quotes) {
    EXPECT_EQ(parse(R"(echo "a b" 'c "d"' "e \"f\" \\ \n" '')"), R"(echo [a b] [c "d"] [e "f" \ \n] [] | )");
    EXPECT_EQ(parse(R"(echo ab"cd"'ef' x\ y)"), "echo [abcdef] [x y] | ");
}

TEST(CommandLine, KeyValueArguments) {
    EXPECT_EQ(parse(R"(give item=sword count=3 name="Jo Jo" --x=1 =y a=)"),
              "give [item=sword] [count=3] [name=Jo Jo] [--x=1] [=y] [a=] | a= count=3 item=sword name=Jo Jo");
    EXPECT_EQ(parse(R"(p "k=v" k\=v)"), "p [k=v] [k=v] | ");
}

TEST(CommandLine, EmptyAndUnterminated) {
    EXPECT_EQ(parse(""), "nil\tempty command line\n");
    EXPECT_EQ(parse("   "), "nil\tempty command line\n");
    EXPECT_EQ(parse("echo 'abc"), "nil\tunterminated quote at character 6\n");
}

TEST(CommandLine, ProgramOnly) {
    Exit exit = run_script("local c = os.parse_cmd('top') print(c.program, #c.args, next(c.args))");
    EXPECT_EQ(exit.output, "top\t0\tnil\n");
}

}  // namespace
}  // namespace luaos::test
