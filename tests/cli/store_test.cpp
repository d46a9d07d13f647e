// `luaos run --store FILE`: VMs kept in a SQLite store, booted again by a later run.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

std::string scratch_store(const std::string& name) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("luaos_cli_store_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / name).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    return path;
}

TEST(Store, AScriptCountingItsRunsPrintsOneThenTwo) {
    const std::string store = scratch_store("runs.db");
    CliResult first = run_luaos({"run", "--store", store, script("count_runs.lua")});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(first.out, "1\n");
    CliResult second = run_luaos({"run", "--store", store});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.out, "2\n");
    CliResult third = run_luaos({"run", "--store", store});
    EXPECT_EQ(third.out, "3\n");
}

TEST(Store, EveryVmOfTheStoreBootsAgain) {
    const std::string store = scratch_store("many.db");
    CliResult first = run_luaos({"run", "--json", "--vms", "3", "--store", store, script("count_runs.lua")});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    CliResult second = run_luaos({"run", "--vms", "1", "--store", store});
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(second.out, "2\n2\n2\n");
}

TEST(Store, FilesGivenAgainMakeNewVmsBesideTheStoredOnes) {
    const std::string store = scratch_store("more.db");
    ASSERT_EQ(run_luaos({"run", "--store", store, script("count_runs.lua")}).exit_code, 0);
    ASSERT_EQ(run_luaos({"run", "--store", store, script("count_runs.lua")}).out, "1\n");
    EXPECT_EQ(run_luaos({"run", "--store", store}).out, "2\n2\n");
}

TEST(Store, AnEmptyOrUnusableStoreIsAClearError) {
    const std::string empty = scratch_store("empty.db");
    CliResult nothing = run_luaos({"run", "--store", empty});
    EXPECT_EQ(nothing.exit_code, 2);
    EXPECT_NE(nothing.err.find("holds no VMs"), std::string::npos) << nothing.err;
    const std::string garbage = scratch_store("garbage.db");
    std::ofstream(garbage) << std::string(4096, 'G');
    CliResult corrupt = run_luaos({"run", "--store", garbage});
    EXPECT_EQ(corrupt.exit_code, 2);
    EXPECT_NE(corrupt.err.find("luaos: store " + garbage + ": not a usable luaos store"), std::string::npos)
        << corrupt.err;
    CliResult without_files = run_luaos({"run"});
    EXPECT_EQ(without_files.exit_code, 2);
}

}  // namespace
}  // namespace luaos::cli_test
