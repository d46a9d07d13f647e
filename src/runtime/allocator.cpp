#include "runtime/allocator.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <unistd.h>

namespace luaos {
namespace {

// The header keeps Lua's blocks 8-byte aligned, all that Lua 5.4 needs
// (LUAI_MAXALIGN: doubles, pointers and 64-bit integers).
struct alignas(8) BlockHeader {
    MemoryAccount* account;
};
constexpr std::size_t kHeader = sizeof(BlockHeader);
constexpr std::size_t kCapSlice = std::size_t{1} << 20;

BlockHeader* header_of(void* block) { return static_cast<BlockHeader*>(block) - 1; }
void* block_of(void* raw) { return static_cast<BlockHeader*>(raw) + 1; }

}  // namespace

bool MemoryCap::try_reserve(std::size_t bytes) {
    std::size_t used = used_.load(std::memory_order_relaxed);
    do {
        if (bytes > limit_ || used > limit_ - bytes) return false;
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return true;
}

std::size_t default_memory_cap() {
    long pages = sysconf(_SC_PHYS_PAGES);
    long page_size = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page_size <= 0) return std::numeric_limits<std::size_t>::max();
    return static_cast<std::size_t>(pages) / 4 * 3 * static_cast<std::size_t>(page_size);
}

Allocator::Allocator(std::shared_ptr<MemoryCap> cap, RefusalHandler on_refusal)
    : cap_(std::move(cap)), on_refusal_(std::move(on_refusal)) {}

Allocator::~Allocator() {
    assert(used_ == 0 && "the Lua state is closed before its allocator");
    if (cap_) cap_->release(reserved_);
}

void* Allocator::lua_alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
    return static_cast<Allocator*>(ud)->allocate(ptr, osize, nsize);
}

// Accounts come from the block pool too: a million VMs hold two each.
MemoryAccount* Allocator::open_account(std::size_t limit) {
    return new (allocate_object(sizeof(MemoryAccount))) MemoryAccount(limit);
}

MemoryAccount* Allocator::open_sub_account(MemoryAccount* parent) {
    return new (allocate_object(sizeof(MemoryAccount))) MemoryAccount(parent);
}

void Allocator::delete_account(MemoryAccount* account) {
    account->~MemoryAccount();
    raw_free(account, sizeof(MemoryAccount));
}

void Allocator::close_account(MemoryAccount* account) {
    if (account == nullptr) return;
    if (account->used == 0) {
        delete_account(account);
    } else {
        account->close();
    }
}

Allocator::Charging::Charging(Allocator& allocator, MemoryAccount* account)
    : allocator_(allocator), previous_(allocator.charging()) {
    allocator_.charge_to(account);
}

Allocator::Charging::~Charging() { allocator_.charge_to(previous_); }

void* Allocator::allocate(void* ptr, std::size_t osize, std::size_t nsize) {
    if (ptr == nullptr) {
        // osize names the kind of object being created, not a size.
        if (nsize == 0) return nullptr;
        MemoryAccount& account = *charging_;
        if (!admit(account, nsize + kHeader)) return nullptr;
        void* raw = raw_allocate(nsize + kHeader);
        if (raw == nullptr) {
            release(account, nsize + kHeader);
            return nullptr;
        }
        static_cast<BlockHeader*>(raw)->account = &account;
        return block_of(raw);
    }

    BlockHeader* header = header_of(ptr);
    MemoryAccount& account = *header->account;
    if (nsize == 0) {
        raw_free(header, osize + kHeader);
        release(account, osize + kHeader);
        return nullptr;
    }
    // A block keeps its owner when it grows: only the VM that created an
    // object can reach it to grow it.
    if (nsize > osize && !admit(account, nsize - osize)) return nullptr;
    void* raw = raw_reallocate(header, osize + kHeader, nsize + kHeader);
    if (raw == nullptr) {
        if (nsize > osize) release(account, nsize - osize);
        return nullptr;
    }
    if (nsize < osize) release(account, osize - nsize);
    return block_of(raw);
}

void* Allocator::allocate_object(std::size_t size) {
    void* object = raw_allocate(size);
    if (object == nullptr) throw std::bad_alloc();
    return object;
}

BlockPool* Allocator::pool_for(std::size_t size) {
    if (small_blocks_.holds(size)) return &small_blocks_;
    if (large_blocks_.holds(size)) return &large_blocks_;
    return nullptr;
}

void* Allocator::raw_allocate(std::size_t size) {
    BlockPool* pool = pool_for(size);
    return pool != nullptr ? pool->allocate(size) : std::malloc(size);
}

void Allocator::raw_free(void* raw, std::size_t size) {
    if (BlockPool* pool = pool_for(size)) {
        pool->free(raw, size);
    } else {
        std::free(raw);
    }
}

void* Allocator::raw_reallocate(void* raw, std::size_t old_size, std::size_t new_size) {
    if (pool_for(old_size) == nullptr && pool_for(new_size) == nullptr) return std::realloc(raw, new_size);
    void* moved = raw_allocate(new_size);
    if (moved == nullptr) return nullptr;
    std::memcpy(moved, raw, old_size < new_size ? old_size : new_size);
    raw_free(raw, old_size);
    return moved;
}

bool Allocator::admit(MemoryAccount& account, std::size_t bytes) {
    for (MemoryAccount* level = &account; level != nullptr; level = level->parent()) {
        if (bytes > level->limit() - level->used) return refuse(*level, MemoryRefusal::AccountLimit);
    }
    if (used_ + bytes > reserved_) {
        std::size_t missing = used_ + bytes - reserved_;
        std::size_t slice = (missing + kCapSlice - 1) / kCapSlice * kCapSlice;
        if (cap_ && !cap_->try_reserve(slice)) return refuse(account, MemoryRefusal::ClusterCap);
        reserved_ += slice;
    }
    refused_last_ = false;
    used_ += bytes;
    for (MemoryAccount* level = &account; level != nullptr; level = level->parent()) {
        level->used += bytes;
        if (level->used > level->peak) level->peak = level->used;
    }
    return true;
}

bool Allocator::refuse(MemoryAccount& account, MemoryRefusal why) {
    if (on_refusal_) on_refusal_(account, why, refused_last_);
    refused_last_ = true;
    return false;
}

void Allocator::release(MemoryAccount& account, std::size_t bytes) {
    assert(account.used >= bytes && used_ >= bytes && "every byte freed was charged");
    used_ -= bytes;
    // Hand whole slices back to the cap, keeping one spare against churn.
    if (reserved_ - used_ > 2 * kCapSlice) {
        std::size_t surplus = (reserved_ - used_ - kCapSlice) / kCapSlice * kCapSlice;
        reserved_ -= surplus;
        if (cap_) cap_->release(surplus);
    }
    MemoryAccount* level = &account;
    while (level != nullptr) {
        assert(level->used >= bytes && "a parent holds its sub-accounts' bytes");
        level->used -= bytes;
        MemoryAccount* parent = level->parent();
        if (level->closed() && level->used == 0) delete_account(level);
        level = parent;
    }
}

}  // namespace luaos
