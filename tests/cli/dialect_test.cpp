// `luaos run --dialect`: .luau files are always Luau, other files Lua unless
// --dialect luau says otherwise.

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

TEST(Dialect, LuaIsTheDefaultForOtherFiles) {
    CliResult result = run_luaos({"run", script("halves.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "5.0\t8.0\n");
}

TEST(Dialect, LuauFilesAreLuauWhateverTheOption) {
    for (const char* dialect : {"lua", "luau"}) {
        CliResult result = run_luaos({"run", "--dialect", dialect, script("halves.luau"), script("typed.luau")});
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(result.out, "5\t8\nx is 2\n") << dialect;
    }
}

TEST(Dialect, TheOptionChoosesForOtherFiles) {
    CliResult luau = run_luaos({"run", "--dialect", "luau", script("halves.lua")});
    ASSERT_EQ(luau.exit_code, 0) << luau.err;
    EXPECT_EQ(luau.out, "5\t8\n");
    CliResult lua = run_luaos({"run", "--dialect", "lua", script("halves.lua")});
    ASSERT_EQ(lua.exit_code, 0) << lua.err;
    EXPECT_EQ(lua.out, "5.0\t8.0\n");
}

TEST(Dialect, LuauErrorsNameTheLuauLine) {
    CliResult result = run_luaos({"run", "luau_syntax_error.luau", "luau_runtime_error.luau", "hello.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "before\nhello\nworld\n");
    EXPECT_EQ(result.err,
              "luaos: process 1 (luau_syntax_error.luau) failed: luau_syntax_error.luau:3: unexpected symbol near '*'\n"
              "luaos: process 2 (luau_runtime_error.luau) failed: luau_runtime_error.luau:3: attempt to perform "
              "arithmetic on a nil value\n"
              "stack traceback:\n"
              "\tluau_runtime_error.luau:3: in main chunk\n");
}

}  // namespace
}  // namespace luaos::cli_test
