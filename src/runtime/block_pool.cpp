#include "runtime/block_pool.hpp"

#include <cassert>
#include <cstdlib>

namespace luaos {

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
