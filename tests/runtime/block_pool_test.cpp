#include "runtime/block_pool.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

namespace luaos {
namespace {

constexpr std::size_t kChunk = std::size_t{64} << 10;

bool kernel_populates() {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    void* probe = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (probe == MAP_FAILED) return false;
    const bool populates = madvise(probe, page, MADV_POPULATE_WRITE) == 0;
    munmap(probe, page);
    return populates;
}

// How many of the whole pages in [begin, begin + bytes) are resident.
std::size_t resident_pages(const void* begin, std::size_t bytes, std::size_t& pages) {
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto first = (reinterpret_cast<std::uintptr_t>(begin) + page - 1) & ~(page - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(begin) + bytes) & ~(page - 1);
    pages = (end - first) / page;
    std::vector<unsigned char> vec(pages);
    if (mincore(reinterpret_cast<void*>(first), end - first, vec.data()) != 0) return 0;
    std::size_t resident = 0;
    for (unsigned char in_core : vec) resident += in_core & 1;
    return resident;
}

TEST(BlockPool, BlocksOfASizeDoNotOverlapAndAreReusedOnceFreed) {
    if (!BlockPool::kEnabled) GTEST_SKIP() << "AddressSanitizer builds use malloc for every block";
    BlockPool pool(512);
    std::set<char*> blocks;
    for (int i = 0; i < 1000; ++i) {
        auto* block = static_cast<char*>(pool.allocate(200));
        ASSERT_NE(block, nullptr);
        std::memset(block, i & 0xff, 200);
        for (char* other : blocks) ASSERT_TRUE(block + 200 <= other || other + 200 <= block);
        blocks.insert(block);
    }
    char* freed = *blocks.begin();
    pool.free(freed, 200);
    EXPECT_EQ(pool.allocate(200), freed);
    for (char* block : blocks) pool.free(block, 200);
}

// A chunk's pages are mapped when the chunk is taken, not one fault at a
// time as blocks are carved from it (block_pool.hpp says why).
TEST(BlockPool, ANewChunkIsMappedBeforeItsBlocksAreUsed) {
    if (!BlockPool::kEnabled) GTEST_SKIP() << "AddressSanitizer builds use malloc for every block";
    if (!kernel_populates()) GTEST_SKIP() << "the kernel has no MADV_POPULATE_WRITE (Linux 5.14)";
    BlockPool pool(512);
    void* first = pool.allocate(8);  // the first block of the pool's first chunk
    ASSERT_NE(first, nullptr);
    std::size_t pages = 0;
    const std::size_t resident = resident_pages(first, kChunk, pages);
    EXPECT_GE(pages, kChunk / static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) - 1);
    EXPECT_EQ(resident, pages);
    pool.free(first, 8);
}

}  // namespace
}  // namespace luaos
