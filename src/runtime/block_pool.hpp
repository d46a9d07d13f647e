#pragma once
// Small blocks for the Lua allocator: one free list per size class (multiples
// of 8 bytes up to the pool's largest), carved from 64 KiB chunks that belong
// to one runtime.
//
// Why not malloc for everything: glibc adds 8 bytes to every block and rounds
// it up to 16, about a hundred bytes on each process's half-dozen Lua blocks
// (thread, call info, closure, upvalue, globals table); and the blocks of one
// runtime stay together, so that two shards ticking on two cores do not share
// cache lines. Lua tells the allocator each block's size when it frees it, so
// a block needs no size header. Chunks go back to malloc only when the
// runtime closes; freed blocks are reused by the next of their size.
//
// A new chunk's pages are mapped at once (madvise MADV_POPULATE_WRITE), not
// a page fault at a time as blocks are carved from it. On this project's
// virtual machine a fault costs 1.4 us, and sixteen of them in the middle of
// Lua's work cost more than the kernel's time: a new VM with its process
// took 0.82-0.99 us instead of 1.04-1.25 (bench/density_bench.cpp, cold).
// The cost: each pool's newest chunk is resident whole before its blocks are
// used, 8 bytes more per VM at a million.
//
// A runtime has two pools: blocks up to 512 bytes (threads, closures,
// tables, call infos, the engine's VMs and processes) and up to 1 KiB
// (mainly each thread's first stack, 728 bytes). Carving both from the same
// chunks, interleaved, made a tick of 800,000 processes 50% slower: the hot
// part of every thread then sits a whole stack away from the next one's.
//
// Builds with AddressSanitizer use malloc for every block, so that it still
// sees each Lua block on its own.

#include <cstddef>
#include <vector>

namespace luaos {

class BlockPool {
public:
#if defined(__SANITIZE_ADDRESS__)
    static constexpr bool kEnabled = false;
#else
    static constexpr bool kEnabled = true;
#endif

    explicit BlockPool(std::size_t max_block) : max_block_(kEnabled ? max_block : 0), free_(max_block / kGranule + 1) {}
    ~BlockPool();
    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;

    bool holds(std::size_t size) const { return size <= max_block_; }
    // A block of 1..max_block bytes, 8-byte aligned; null if malloc failed.
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

    std::size_t max_block_;
    std::vector<FreeBlock*> free_;
    std::vector<void*> chunks_;
    char* next_ = nullptr;  // the unused rest of the newest chunk
    char* end_ = nullptr;
};

}  // namespace luaos
