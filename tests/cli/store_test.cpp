// `luaos run --store FILE`: VMs kept in a SQLite store, booted again by a later run.

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli_runner.hpp"
#include "support/scratch_store.hpp"

namespace luaos::cli_test {
namespace {

std::string scratch_store(const std::string& name) { return test::scratch_store("cli_store_test", name); }

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
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

TEST(Store, TheArgumentsAfterDashDashAreKeptInTheBootList) {
    const std::string store = scratch_store("args.db");
    CliResult first = run_luaos({"run", "--store", store, script("args.lua"), "--", "a", "b c"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_EQ(first.out, "2\ta\tb c\n/boot/args.lua\t2\ta,b c\n");
    EXPECT_EQ(run_luaos({"run", "--store", store}).out, first.out);
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
    EXPECT_EQ(file_bytes(garbage), std::string(4096, 'G'));  // not "repaired" into a new store
}

TEST(Store, AStoreThisUserMayNotWriteIsAClearErrorAndKeepsItsVms) {
    const std::string store = scratch_store("readonly/world.db");
    ASSERT_EQ(run_luaos({"run", "--store", store, script("count_runs.lua")}).out, "1\n");
    const std::filesystem::path dir = std::filesystem::path(store).parent_path();
    using std::filesystem::perms;
    std::filesystem::permissions(store, perms::owner_read | perms::group_read | perms::others_read);
    std::filesystem::permissions(dir, perms::owner_read | perms::owner_exec | perms::group_read | perms::group_exec |
                                          perms::others_read | perms::others_exec);
    const std::string before = file_bytes(store);
    for (const bool with_files : {false, true}) {
        std::vector<std::string> args = {"run", "--store", store};
        if (with_files) args.push_back(script("count_runs.lua"));
        CliResult refused = CliSession(args, {.unprivileged = true}).finish();
        EXPECT_EQ(refused.exit_code, 2) << refused.err;
        EXPECT_EQ(refused.out, "");
        EXPECT_NE(refused.err.find("luaos: store " + store + ": cannot write it (see the permissions of the file and "
                                   "its folder)"),
                  std::string::npos)
            << refused.err;
    }
    EXPECT_EQ(file_bytes(store), before);
    std::filesystem::permissions(dir, perms::owner_all | perms::group_read | perms::group_exec | perms::others_read |
                                          perms::others_exec);
    std::filesystem::permissions(store, perms::owner_read | perms::owner_write);
    EXPECT_EQ(run_luaos({"run", "--store", store}).out, "2\n");
}

// The root page of the files table overwritten: the store opens, but no
// file of any VM can be read.
void damage_the_files_table(const std::string& path) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = 'files'", -1, &statement, nullptr);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    const long page = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    constexpr long kPageSize = 4096;  // SQLite's default, which the store keeps
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp((page - 1) * kPageSize);
    file << std::string(kPageSize, '\xA5');
}

TEST(Store, ADamagedStoreStopsTheRunAndIsNotWrittenOver) {
    const std::string store = scratch_store("damaged.db");
    ASSERT_EQ(run_luaos({"run", "--store", store, script("count_runs.lua")}).out, "1\n");
    damage_the_files_table(store);
    const std::string damaged = file_bytes(store);
    CliResult run = run_luaos({"run", "--store", store});
    EXPECT_EQ(run.exit_code, 1) << run.err;
    EXPECT_NE(run.err.find("luaos: store " + store + ": cannot read it, so the writes since the last commit are "
                           "dropped: database disk image is malformed"),
              std::string::npos)
        << run.err;
    EXPECT_EQ(file_bytes(store), damaged);
}

}  // namespace
}  // namespace luaos::cli_test
