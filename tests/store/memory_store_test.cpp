// The store's contract (luaos/file_store.hpp), on the in-memory store, and
// the tree's rules over it (store/vm_files.hpp).

#include <gtest/gtest.h>

#include "luaos/file_store.hpp"
#include "store/vm_files.hpp"

namespace luaos {
namespace {

using namespace fs_reason;

TEST(MemoryStore, KeepsEachVmsNodesApart) {
    auto store = make_memory_store();
    const StoredVmId a = store->create_vm({{"/boot.lua", {"x"}}});
    const StoredVmId b = store->create_vm({});
    ASSERT_NE(a, b);
    EXPECT_EQ(store->put(a, "/f", NodeKind::File, "abc", 3), StoreWrite::Ok);
    std::string data;
    EXPECT_TRUE(store->read(a, "/f", data));
    EXPECT_EQ(data, "abc");
    EXPECT_FALSE(store->read(b, "/f", data));
    EXPECT_EQ(store->usage(a).bytes, 3u);
    EXPECT_EQ(store->usage(b).nodes, 0u);
    EXPECT_EQ(store->vms(), (std::vector<StoredVmId>{a, b}));
    EXPECT_EQ(store->boot_list(a)->front().args, std::vector<std::string>{"x"});
    EXPECT_TRUE(store->delete_vm(a));
    EXPECT_FALSE(store->delete_vm(a));
    EXPECT_FALSE(store->stat(a, "/f"));
    EXPECT_FALSE(store->boot_list(a));
}

TEST(MemoryStore, ListsDirectChildrenSortedAndMovesTrees) {
    auto store = make_memory_store();
    for (const char* dir : {"/a", "/a/b", "/a-x"}) store->put(1, dir, NodeKind::Directory, "", 0);
    for (const char* file : {"/a/z", "/a/b c", "/a/b/deep", "/a0"}) store->put(1, file, NodeKind::File, "12", 0);
    std::vector<std::string> names;
    store->list(1, "/a", names);
    EXPECT_EQ(names, (std::vector<std::string>{"b", "b c", "z"}));
    store->list(1, "/", names);
    EXPECT_EQ(names, (std::vector<std::string>{"a", "a-x", "a0"}));
    EXPECT_EQ(store->usage_under(1, "/a").nodes, 4u);
    EXPECT_EQ(store->move_tree(1, "/a", "/m"), StoreWrite::Ok);
    EXPECT_TRUE(store->stat(1, "/m/b/deep"));
    EXPECT_FALSE(store->stat(1, "/a/b/deep"));
    EXPECT_TRUE(store->stat(1, "/a-x"));
    EXPECT_EQ(store->usage(1).nodes, 7u);
    EXPECT_EQ(store->erase_tree(1, "/m"), StoreWrite::Ok);
    EXPECT_EQ(store->usage(1).nodes, 2u);
    EXPECT_EQ(store->usage(1).bytes, 2u);
}

class VmFilesTest : public testing::Test {
protected:
    std::shared_ptr<FileStore> store = make_memory_store();
    FileLimits limits;
    VmFiles files{*store, 7, limits};
};

TEST_F(VmFilesTest, CreatesOnlyUnderExistingDirectories) {
    EXPECT_EQ(files.write("/a/b", "x", 1), kNoSuchFile);
    EXPECT_EQ(files.make_directory("/a/b/c", 1), nullptr);
    EXPECT_EQ(files.make_directory("/a/b", 1), nullptr) << "an existing directory is fine";
    EXPECT_EQ(files.write("/a/b/c/f", "x", 1), nullptr);
    EXPECT_EQ(files.write("/a/b/c/f/g", "x", 1), kNotADirectory);
    EXPECT_EQ(files.make_directory("/a/b/c/f", 1), kExists);
    EXPECT_EQ(files.make_directory("/a/b/c/f/g", 1), kNotADirectory);
    EXPECT_EQ(files.write("/a", "x", 1), kIsADirectory);
    EXPECT_EQ(files.write("/", "x", 1), kIsADirectory);
}

TEST_F(VmFilesTest, RemovesRenamesAndCopies) {
    files.make_directory("/d/e", 1);
    files.write("/d/e/f", "hello", 2);
    EXPECT_EQ(files.remove("/d", false), kNotEmpty);
    EXPECT_EQ(files.remove("/", true), kRoot);
    EXPECT_EQ(files.rename("/d", "/d/e/x"), kIntoItself);
    EXPECT_EQ(files.rename("/nope", "/x"), kNoSuchFile);
    files.write("/other", "", 3);
    EXPECT_EQ(files.rename("/d", "/other"), kExists);
    EXPECT_EQ(files.rename("/d", "/moved"), nullptr);
    std::uint64_t bytes = 0;
    EXPECT_EQ(files.copy("/moved", "/copy", 4, bytes), nullptr);
    EXPECT_EQ(bytes, 5u);
    std::string data;
    EXPECT_EQ(files.read("/copy/e/f", data), nullptr);
    EXPECT_EQ(data, "hello");
    EXPECT_EQ(files.read("/copy/e", data), kIsADirectory);
    EXPECT_EQ(files.remove("/moved", true), nullptr);
    EXPECT_FALSE(files.stat("/moved/e/f"));
    EXPECT_EQ(store->usage(7).nodes, 4u) << "/other, /copy, /copy/e, /copy/e/f";
}

TEST_F(VmFilesTest, EnforcesItsLimitsBeforeWriting) {
    limits.total_bytes = 10;
    limits.file_bytes = 6;
    limits.max_nodes = 3;
    EXPECT_EQ(files.write("/a", "1234567", 1), kFileTooLarge);
    EXPECT_EQ(files.write("/a", "123456", 1), nullptr);
    EXPECT_EQ(files.write("/b", "12345", 1), kQuotaFull);
    EXPECT_EQ(files.write("/b", "1234", 1), nullptr);
    EXPECT_EQ(files.free(), 0u);
    EXPECT_EQ(files.write("/a", "12", 1), nullptr) << "shrinking a file frees its bytes";
    EXPECT_EQ(files.free(), 4u);
    EXPECT_EQ(files.make_directory("/d/e", 1), kTooManyFiles);
    EXPECT_EQ(files.make_directory("/d", 1), nullptr);
    EXPECT_EQ(files.write("/c", "", 1), kTooManyFiles);
    std::uint64_t bytes = 0;
    EXPECT_EQ(files.copy("/a", "/d/a", 1, bytes), kTooManyFiles);
    EXPECT_EQ(store->usage(7).nodes, 3u);
    EXPECT_EQ(store->usage(7).bytes, 6u);
}

}  // namespace
}  // namespace luaos
