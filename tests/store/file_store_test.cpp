// The store's contract (luaos/file_store.hpp), on both stores: in memory and
// SQLite. And what only the SQLite store has: a file that outlives the host,
// commits, and its errors.

#include <sqlite3.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "luaos/file_store.hpp"
#include "support/scratch_store.hpp"

namespace luaos {
namespace {

std::string scratch_path(const std::string& name) { return test::scratch_store("store_test", name); }

struct StoreKind {
    const char* name;
    std::function<std::shared_ptr<FileStore>()> open;
};

class FileStoreContract : public testing::TestWithParam<StoreKind> {
protected:
    std::shared_ptr<FileStore> store = GetParam().open();
};

TEST_P(FileStoreContract, KeepsEachVmsNodesApart) {
    const StoredVmId a = store->create_vm({{"/boot.lua", {"x", std::string("\0:5", 3)}}});
    const StoredVmId b = store->create_vm({});
    ASSERT_NE(a, b);
    EXPECT_EQ(store->put(a, "/f", NodeKind::File, "abc", 3), StoreWrite::Ok);
    std::string data;
    EXPECT_TRUE(store->read(a, "/f", data));
    EXPECT_EQ(data, "abc");
    EXPECT_FALSE(store->read(b, "/f", data));
    EXPECT_EQ(store->stat(a, "/f")->size, 3u);
    EXPECT_EQ(store->stat(a, "/f")->modified, 3u);
    EXPECT_EQ(store->usage(a).bytes, 3u);
    EXPECT_EQ(store->usage(b).nodes, 0u);
    EXPECT_EQ(store->vms(), (std::vector<StoredVmId>{a, b}));
    const std::vector<BootEntry> boot{{"/boot.lua", {"x", std::string("\0:5", 3)}}};
    EXPECT_EQ(store->boot_list(a), boot);
    EXPECT_EQ(store->set_boot_list(b, boot), StoreWrite::Ok);
    EXPECT_EQ(store->boot_list(b), boot);
    EXPECT_TRUE(store->delete_vm(a));
    EXPECT_FALSE(store->delete_vm(a));
    EXPECT_FALSE(store->stat(a, "/f"));
    EXPECT_FALSE(store->boot_list(a));
    EXPECT_EQ(store->vms(), (std::vector<StoredVmId>{b}));
}

TEST_P(FileStoreContract, ListsDirectChildrenSortedAndMovesTrees) {
    for (const char* dir : {"/a", "/a/b", "/a-x"}) store->put(1, dir, NodeKind::Directory, "", 0);
    for (const char* file : {"/a/z", "/a/b c", "/a/b/deep", "/a0"}) store->put(1, file, NodeKind::File, "12", 0);
    std::vector<std::string> names;
    store->list(1, "/a", names);
    EXPECT_EQ(names, (std::vector<std::string>{"b", "b c", "z"}));
    store->list(1, "/", names);
    EXPECT_EQ(names, (std::vector<std::string>{"a", "a-x", "a0"}));
    EXPECT_EQ(store->usage_under(1, "/a").nodes, 4u);
    EXPECT_EQ(store->usage(1).nodes, 7u);
    EXPECT_EQ(store->extent_under(1, "/a").longest_path, std::string("/a/b/deep").size());
    EXPECT_EQ(store->extent_under(1, "/a").deepest_path, 3u);
    EXPECT_EQ(store->extent_under(1, "/").deepest_path, 3u);
    EXPECT_EQ(store->extent_under(1, "/a-x").longest_path, 0u);
    EXPECT_EQ(store->move_tree(1, "/a", "/m"), StoreWrite::Ok);
    EXPECT_TRUE(store->stat(1, "/m/b/deep"));
    EXPECT_FALSE(store->stat(1, "/a/b/deep"));
    EXPECT_TRUE(store->stat(1, "/a-x"));
    EXPECT_EQ(store->usage(1).nodes, 7u);
    EXPECT_EQ(store->put(1, "/m/z", NodeKind::File, "12345", 0), StoreWrite::Ok);
    EXPECT_EQ(store->usage(1).bytes, 11u);
    EXPECT_EQ(store->erase_tree(1, "/m"), StoreWrite::Ok);
    EXPECT_EQ(store->usage(1).nodes, 2u);
    EXPECT_EQ(store->usage(1).bytes, 2u);
}

TEST_P(FileStoreContract, PutReplacingKeepsTheUsageFromWhatTheCallerSaw) {
    const StoredVmId vm = store->create_vm({});
    EXPECT_EQ(store->put_replacing(vm, "/f", NodeKind::File, "abcd", 1, std::nullopt), StoreWrite::Ok);
    EXPECT_EQ(store->usage(vm).nodes, 1u);
    EXPECT_EQ(store->usage(vm).bytes, 4u);
    EXPECT_EQ(store->put_replacing(vm, "/f", NodeKind::File, "ab", 2, store->stat(vm, "/f")), StoreWrite::Ok);
    std::string data;
    EXPECT_TRUE(store->read(vm, "/f", data));
    EXPECT_EQ(data, "ab");
    EXPECT_EQ(store->stat(vm, "/f")->modified, 2u);
    EXPECT_EQ(store->usage(vm).nodes, 1u);
    EXPECT_EQ(store->usage(vm).bytes, 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, FileStoreContract,
                         testing::Values(StoreKind{"memory", [] { return make_memory_store(); }},
                                         StoreKind{"sqlite",
                                                   [] { return open_sqlite_store(scratch_path("contract.db")); }}),
                         [](const testing::TestParamInfo<StoreKind>& kind) { return std::string(kind.param.name); });

TEST(SqliteStore, CommittedWritesOutliveTheStoreAndUncommittedOnesDoNot) {
    const std::string path = scratch_path("outlive.db");
    StoredVmId vm = 0;
    {
        auto store = open_sqlite_store(path);
        vm = store->create_vm({{"/boot/a.lua", {}}});
        store->put(vm, "/kept", NodeKind::File, "committed", 1);
        store->commit();
        store->put(vm, "/kept", NodeKind::File, "changed at the end", 2);
        // Dropping a store commits what it holds, as a host's orderly end does.
    }
    auto store = open_sqlite_store(path);
    std::string data;
    EXPECT_TRUE(store->read(vm, "/kept", data));
    EXPECT_EQ(data, "changed at the end");
    EXPECT_EQ(store->vms(), std::vector<StoredVmId>{vm});
    EXPECT_EQ(store->usage(vm).bytes, data.size());
}

TEST(SqliteStore, AFullStoreRefusesTheWriteAndKeepsWhatWasCommitted) {
    const std::string path = scratch_path("full.db");
    auto store = open_sqlite_store(path, {.max_bytes = 256 << 10});
    const StoredVmId vm = store->create_vm({});
    store->put(vm, "/first", NodeKind::File, "kept", 1);
    store->commit();
    const std::string chunk(16 << 10, 'x');
    StoreWrite write = StoreWrite::Ok;
    int written = 0;
    for (; written < 1000 && write == StoreWrite::Ok; ++written) {
        write = store->put(vm, "/big" + std::to_string(written), NodeKind::File, chunk, 2);
    }
    EXPECT_EQ(write, StoreWrite::Full);
    EXPECT_STREQ(store_write_text(write), "store full");
    try {
        store->commit();
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find(path), std::string::npos) << error.what();
    }
    std::string data;
    EXPECT_TRUE(store->read(vm, "/first", data));
    EXPECT_EQ(data, "kept");
}

TEST(SqliteStore, ACorruptOrForeignFileIsAClearErrorAtOpen) {
    const std::string garbage = scratch_path("garbage.db");
    std::ofstream(garbage) << std::string(8192, 'G');
    try {
        open_sqlite_store(garbage);
        ADD_FAILURE() << "a file of garbage opened as a store";
    } catch (const StoreError& error) {
        EXPECT_NE(std::string(error.what()).find("store " + garbage + ": not a usable luaos store"), std::string::npos)
            << error.what();
    }
    const std::string other = scratch_path("other_version.db");
    sqlite3* db = nullptr;
    sqlite3_open(other.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE luaos_store(version INTEGER NOT NULL); INSERT INTO luaos_store VALUES (99)", nullptr,
                 nullptr, nullptr);
    sqlite3_close(db);
    EXPECT_THROW(open_sqlite_store(other), StoreError);
    EXPECT_THROW(open_sqlite_store("/nonexistent-dir/world.db"), StoreError);
}

// Whether another connection can begin writing the file at once.
bool another_connection_can_write(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const bool began = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    if (began) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return began;
}

TEST(SqliteStore, ReadsRunInTheTicksTransactionWhichTheCommitEnds) {
    const std::string path = scratch_path("read_tick.db");
    auto store = open_sqlite_store(path);
    const StoredVmId vm = store->create_vm({});
    store->put(vm, "/f", NodeKind::File, "abc", 1);
    store->commit();
    ASSERT_TRUE(another_connection_can_write(path));
    // A tick that only reads: each kind of read begins the tick's transaction.
    const std::vector<std::function<void()>> reads = {
        [&] { store->stat(vm, "/f"); },
        [&] {
            std::string data;
            store->read(vm, "/f", data);
        },
        [&] {
            std::vector<std::string> names;
            store->list(vm, "/", names);
        },
        [&] { store->usage_under(vm, "/"); },
        [&] { store->extent_under(vm, "/"); },
        [&] { store->boot_list(vm); },
    };
    for (std::size_t i = 0; i < reads.size(); ++i) {
        reads[i]();
        EXPECT_FALSE(another_connection_can_write(path)) << "read " << i;
        store->commit();
        EXPECT_TRUE(another_connection_can_write(path)) << "read " << i;
    }
}

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// Overwrites the root page of the files table: the store opens (its schema
// is whole) but reading any VM's files fails.
void damage_the_files_table(const std::string& path) {
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = 'files'", -1, &statement, nullptr);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    const long page = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &statement, nullptr);
    ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
    const long page_size = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp((page - 1) * page_size);
    file << std::string(static_cast<std::size_t>(page_size), '\xA5');
}

TEST(SqliteStore, AFailedReadDropsTheTicksWritesAndKeepsTheFileAsItWas) {
    const std::string path = scratch_path("damaged.db");
    StoredVmId vm = 0;
    {
        auto store = open_sqlite_store(path);
        vm = store->create_vm({{"/boot/a.lua", {}}});
        store->put(vm, "/runs", NodeKind::File, "41", 1);
        store->commit();
    }
    damage_the_files_table(path);
    const std::string damaged = file_bytes(path);
    {
        auto store = open_sqlite_store(path);
        std::string data;
        EXPECT_FALSE(store->read(vm, "/runs", data));  // looks missing to the caller...
        store->put(vm, "/runs", NodeKind::File, "1", 2);  // ...who may act on it
        try {
            store->commit();
            ADD_FAILURE() << "a tick that read a damaged page was committed";
        } catch (const StoreError& error) {
            EXPECT_NE(std::string(error.what()).find("store " + path + ": cannot read it, so the writes since the last "
                                                     "commit are dropped: "),
                      std::string::npos)
                << error.what();
        }
        EXPECT_EQ(store->boot_list(vm), (std::vector<BootEntry>{{"/boot/a.lua", {}}}));
        store->commit();  // the failure was told once
    }
    EXPECT_EQ(file_bytes(path), damaged);
}

}  // namespace
}  // namespace luaos
