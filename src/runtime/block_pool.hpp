#pragma once
// Small blocks for the Lua allocator: one free list per size class (multiples
// of 8 bytes up to kMaxBlock), carved from 64 KiB chunks that belong to one
// runtime.
//
// Why not malloc for everything: glibc adds 8 bytes to every block and rounds
// it up to 16, about a hundred bytes on each process's half-dozen Lua blocks
// (thread, call info, closure, upvalue, globals table); and the blocks of one
// runtime stay together, so that two shards ticking on two cores do not share
// cache lines. Lua tells the allocator each block's size when it frees it, so
// a block needs no size header. Chunks go back to malloc only when the
// runtime closes; freed blocks are reused by the next of their size.
//
// Builds with AddressSanitizer use malloc for every block, so that it still
// sees each Lua block on its own.

#include <array>
#include <cstddef>
#include <vector>

namespace luaos {

class BlockPool {
public:
#if defined(__SANITIZE_ADDRESS__)
    static constexpr std::size_t kMaxBlock = 0;
#else
    static constexpr std::size_t kMaxBlock = 512;
#endif

    BlockPool() = default;
    ~BlockPool();
    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;

    static bool holds(std::size_t size) {
        if constexpr (kMaxBlock == 0) {
            return false;
        } else {
            return size <= kMaxBlock;
        }
    }
    // A block of 1..kMaxBlock bytes, 8-byte aligned; null if malloc failed.
    void* allocate(std::size_t size);
    // Gives back a block allocate(size) returned.
    void free(void* block, std::size_t size);

private:
    struct FreeBlock {
        FreeBlock* next;
    };
    static constexpr std::size_t kGranule = 8;
    static constexpr std::size_t kChunk = std::size_t{64} << 10;
    static std::size_t class_of(std::size_t size) { return (size + kGranule - 1) / kGranule - 1; }

    std::array<FreeBlock*, kMaxBlock / kGranule + 1> free_{};
    std::vector<void*> chunks_;
    char* next_ = nullptr;  // the unused rest of the newest chunk
    char* end_ = nullptr;
};

}  // namespace luaos
