// Durability (docs/storage.md): a host killed with SIGKILL at any moment
// leaves a store that SQLite finds intact, holds no half-written file, and
// has lost nothing the host had reported before the kill: every tick's
// writes are committed together after the tick, before its output is shown.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_runner.hpp"
#include "support/scratch_store.hpp"

extern char** environ;

namespace luaos::cli_test {
namespace {

// Starts `luaos ARGS` with its stdout into `out_path`; returns its pid.
pid_t start_luaos(const std::vector<std::string>& args, const std::string& out_path) {
    std::vector<std::string> argv_text{LUAOS_CLI_PATH};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(spawned, 0);
    return pid;
}

// The last whole line of the file, as a number; 0 if none.
long last_printed(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    long last = 0;
    while (std::getline(in, line)) {
        if (in.eof()) break;  // a line cut by the kill has no newline
        last = std::stol(line);
    }
    return last;
}

struct StoreState {
    std::string integrity;
    long count = 0;
};

// Reads the store as SQLite alone sees it, and checks every file of the
// counting VM: each is whole (its length line matches) and of one step.
StoreState check_store(const std::string& path) {
    StoreState state;
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    if (sqlite3_step(statement) == SQLITE_ROW) state.integrity = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    sqlite3_prepare_v2(db, "SELECT path, data FROM files WHERE kind = 0", -1, &statement, nullptr);
    std::vector<std::pair<std::string, std::string>> files;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, 1));
        files.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
                           std::string(blob != nullptr ? blob : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, 1))));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    for (const auto& [file, data] : files) {
        if (file == "/count") state.count = std::stol(data);
    }
    bool newest_seen = state.count == 0;
    for (const auto& [file, data] : files) {
        if (!file.starts_with("/data/")) continue;
        const std::size_t newline = data.find('\n');
        EXPECT_NE(newline, std::string::npos) << file << " is not whole: '" << data << "'";
        if (newline == std::string::npos) continue;
        const std::string body = data.substr(newline + 1);
        EXPECT_EQ(std::to_string(body.size()), data.substr(0, newline)) << file << " is half-written";
        const long step = std::stol(body);
        std::string expected;
        for (int i = 0; i < 50; ++i) expected += std::to_string(step) + ",";
        EXPECT_EQ(body, expected) << file << " mixes steps";
        EXPECT_EQ(file, "/data/" + std::to_string(step % 100));
        EXPECT_LE(step, state.count) << file << " is newer than /count: a commit was split";
        if (step == state.count) newest_seen = true;
    }
    EXPECT_TRUE(newest_seen) << "/count is " << state.count << " but its /data file is older: a commit was split";
    return state;
}

TEST(StoreCrash, KilledHostsLeaveAWholeStoreAndLoseNothingReported) {
    const std::string store = test::scratch_store("crash", "world.db");
    const std::string out = store + ".out";
    std::mt19937 random(12345);
    std::uniform_int_distribution<int> delay_ms(30, 400);
    long committed = 0;
    constexpr int kKills = 12;
    for (int run = 0; run < kKills; ++run) {
        std::vector<std::string> args{"run", "--store", store, "--ticks", "100000000", "--threads", "2"};
        if (run == 0) args.push_back(script("store_counter.lua"));
        const pid_t pid = start_luaos(args, out);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
        ASSERT_EQ(::kill(pid, SIGKILL), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the host ended before it was killed (run " << run << ")";
        const StoreState state = check_store(store);
        ASSERT_EQ(state.integrity, "ok") << "run " << run;
        const long printed = last_printed(out);
        EXPECT_GE(state.count, committed) << "a commit was lost (run " << run << ")";
        EXPECT_GE(state.count, printed) << "a step shown before the kill was lost (run " << run << ")";
        committed = state.count;
    }
    EXPECT_GT(committed, 0) << "the host never got to count";
    std::filesystem::remove_all(std::filesystem::path(store).parent_path());
}

}  // namespace
}  // namespace luaos::cli_test
