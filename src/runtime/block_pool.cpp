#include "runtime/block_pool.hpp"

#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

namespace luaos {
namespace {

// Maps the whole pages of a new chunk in one call (the header says why),
// unless malloc handed back memory that is mapped already: asking again would
// cost about 3 us for nothing, where a look at the first page costs under 1
// (both measured on this project's virtual machine). Only advice: a kernel
// without MADV_POPULATE_WRITE (before Linux 5.14) maps the pages one fault at
// a time, as it would anyway.
void populate(void* chunk, std::size_t bytes) {
    static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto begin = (reinterpret_cast<std::uintptr_t>(chunk) + page - 1) & ~(page - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(chunk) + bytes) & ~(page - 1);
    if (end <= begin) return;
    unsigned char mapped = 0;
    if (mincore(reinterpret_cast<void*>(begin), page, &mapped) == 0 && (mapped & 1) != 0) return;
    madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
}

}  // namespace

BlockPool::~BlockPool() {
    for (void* chunk : chunks_) std::free(chunk);
}

void* BlockPool::allocate(std::size_t size) {
    assert(size > 0 && holds(size) && "the pool holds small blocks only");
    const std::size_t size_class = class_of(size);
    if (FreeBlock* block = free_[size_class]) {
        free_[size_class] = block->next;
        return block;
    }
    const std::size_t rounded = (size_class + 1) * kGranule;
    if (static_cast<std::size_t>(end_ - next_) < rounded) {
        // The old chunk's remainder (under kMaxBlock) is left unused.
        void* chunk = std::malloc(kChunk);
        if (chunk == nullptr) return nullptr;
        populate(chunk, kChunk);
        chunks_.push_back(chunk);
        next_ = static_cast<char*>(chunk);
        end_ = next_ + kChunk;
    }
    void* block = next_;
    next_ += rounded;
    return block;
}

void BlockPool::free(void* block, std::size_t size) {
    assert(block != nullptr && holds(size));
    auto* freed = static_cast<FreeBlock*>(block);
    const std::size_t size_class = class_of(size);
    freed->next = free_[size_class];
    free_[size_class] = freed;
}

}  // namespace luaos
