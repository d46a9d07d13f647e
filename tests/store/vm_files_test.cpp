// The tree's rules over a store (store/vm_files.hpp).

#include <gtest/gtest.h>

#include "luaos/file_store.hpp"
#include "store/vm_files.hpp"

namespace luaos {
namespace {

using namespace fs_reason;

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


TEST_F(VmFilesTest, ATruncatedFileIsEmptyAtOnceAndInTheStoreAtItsNextWrite) {
    files.write("/f", "12345", 1);
    EXPECT_EQ(files.truncate("/f", 2), nullptr);
    EXPECT_EQ(files.stat("/f")->size, 0u);
    EXPECT_EQ(files.stat("/f")->modified, 2u);
    std::string data = "unchanged";
    EXPECT_EQ(files.read("/f", data), nullptr);
    EXPECT_EQ(data, "");
    EXPECT_EQ(files.free(), limits.total_bytes) << "its old bytes are free at once";
    EXPECT_TRUE(store->read(7, "/f", data));
    EXPECT_EQ(data, "12345") << "the store is not written until the file is";
    EXPECT_EQ(files.write("/f", "ab", 3), nullptr);
    EXPECT_TRUE(store->read(7, "/f", data));
    EXPECT_EQ(data, "ab");
    EXPECT_EQ(store->usage(7).bytes, 2u);
    EXPECT_EQ(store->usage(7).nodes, 1u);

    EXPECT_EQ(files.truncate("/new", 4), nullptr);
    EXPECT_TRUE(files.stat("/new"));
    EXPECT_FALSE(store->stat(7, "/new"));
    std::vector<std::string> names;
    EXPECT_EQ(files.list("/", names), nullptr);
    EXPECT_EQ(names, (std::vector<std::string>{"f", "new"})) << "a tree's calls see it, and the store has it then";
    EXPECT_EQ(store->stat(7, "/new")->size, 0u);

    EXPECT_EQ(files.truncate("/", 5), kIsADirectory);
    files.make_directory("/d", 5);
    EXPECT_EQ(files.truncate("/d", 5), kIsADirectory);
    EXPECT_EQ(files.truncate("/missing/f", 5), kNoSuchFile);
    EXPECT_EQ(files.truncate("/f/g", 5), kNotADirectory);
}

TEST_F(VmFilesTest, TruncatedNewFilesCountAgainstTheLimitAtOnce) {
    limits.max_nodes = 2;
    EXPECT_EQ(files.truncate("/a", 1), nullptr);
    EXPECT_EQ(files.truncate("/b", 1), nullptr);
    EXPECT_EQ(files.truncate("/c", 1), kTooManyFiles);
    EXPECT_EQ(files.truncate("/a", 2), nullptr) << "an existing file is no new node";
    EXPECT_EQ(files.make_directory("/d", 1), kTooManyFiles);
    EXPECT_EQ(store->usage(7).nodes, 2u);
}

TEST_F(VmFilesTest, AWriteThatFailsLeavesATruncatedFileEmptyInTheStore) {
    limits.file_bytes = 4;
    files.write("/f", "1234", 1);
    EXPECT_EQ(files.truncate("/f", 2), nullptr);
    EXPECT_EQ(files.write("/f", "12345", 3), kFileTooLarge);
    std::string data;
    EXPECT_TRUE(store->read(7, "/f", data));
    EXPECT_EQ(data, "") << "as the VM saw it";
    EXPECT_EQ(files.stat("/f")->size, 0u);
}

}  // namespace
}  // namespace luaos
