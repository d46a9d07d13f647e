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

}  // namespace
}  // namespace luaos
