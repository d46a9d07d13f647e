#pragma once
// Engine internals, not for hosts (see luaos/detail/task.hpp).
// A vector of pointers for the lists every VM keeps (its processes, the
// runnable ones): one word, where a std::vector with its RuntimeAllocator
// takes 32 bytes, and with room for one element inside, so that a VM with
// one process needs no storage block for either list: 64 bytes less per VM.
//
// The word is null when the vector is empty and holds the element itself
// while there is one and no storage. Otherwise it is the address of a
// storage block (size, capacity, elements) with its lowest bit set:
// elements are at least 2-byte aligned and never null, so theirs is clear.
//
// To stay that small it does not keep its allocator: its owner passes its
// Runtime to each call that may allocate, and must call release() before the
// vector is destroyed. Sizes are 32-bit: the lists hold a VM's processes,
// whose PIDs are 32-bit too.

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>

#include "luaos/detail/runtime_allocator.hpp"

namespace luaos {

template <typename T>
class PointerVector {
    static_assert(alignof(T) >= 2, "the lowest bit of an element's address tells it from the storage's");

public:
    PointerVector() = default;
    ~PointerVector() { assert(storage() == nullptr && "release() gives the storage back first"); }
    PointerVector(const PointerVector&) = delete;
    PointerVector& operator=(const PointerVector&) = delete;

    std::size_t size() const {
        if (const Storage* heap = storage()) return heap->size;
        return one_ != nullptr ? 1 : 0;
    }
    bool empty() const { return size() == 0; }
    T** begin() { return data(); }
    T** end() { return data() + size(); }
    T* const* begin() const { return data(); }
    T* const* end() const { return data() + size(); }
    T*& operator[](std::size_t index) {
        assert(index < size());
        return data()[index];
    }
    T* operator[](std::size_t index) const {
        assert(index < size());
        return data()[index];
    }
    T* front() const { return (*this)[0]; }
    T* back() const { return (*this)[size() - 1]; }

    void push_back(Runtime& runtime, T* item) {
        assert(item != nullptr && "an element is never null");
        if (one_ == nullptr) {
            one_ = item;
            return;
        }
        Storage* heap = reserve(runtime, size() + 1);
        elements(heap)[heap->size++] = item;
    }
    void append(Runtime& runtime, std::span<T* const> items) {
        if (size() + items.size() > 1) reserve(runtime, size() + items.size());
        for (T* item : items) push_back(runtime, item);
    }
    // Keeps the first `count` elements (at most size()); the storage stays.
    void truncate(std::size_t count) {
        assert(count <= size());
        if (Storage* heap = storage()) {
            heap->size = static_cast<std::uint32_t>(count);
        } else if (count == 0) {
            one_ = nullptr;
        }
    }
    // Empties the vector and gives its storage back to `runtime`.
    void release(Runtime& runtime) noexcept {
        if (Storage* heap = storage()) runtime_deallocate(runtime, heap, bytes_for(heap->capacity));
        one_ = nullptr;
    }

private:
    struct alignas(T*) Storage {
        std::uint32_t size;
        std::uint32_t capacity;
    };
    static constexpr std::uintptr_t kStorageTag = 1;

    static T** elements(Storage* heap) { return reinterpret_cast<T**>(heap + 1); }
    static std::size_t bytes_for(std::size_t capacity) { return sizeof(Storage) + capacity * sizeof(T*); }

    Storage* storage() const {
        const auto word = reinterpret_cast<std::uintptr_t>(one_);
        return (word & kStorageTag) != 0 ? reinterpret_cast<Storage*>(word & ~kStorageTag) : nullptr;
    }
    T** data() {
        Storage* heap = storage();
        return heap != nullptr ? elements(heap) : &one_;
    }
    T* const* data() const {
        Storage* heap = storage();
        return heap != nullptr ? elements(heap) : &one_;
    }

    // Storage with room for `count` elements, at least doubling, as std::vector grows.
    Storage* reserve(Runtime& runtime, std::size_t count) {
        Storage* old = storage();
        if (old != nullptr && count <= old->capacity) return old;
        const std::size_t capacity = old != nullptr ? old->capacity : 1;
        if (count > UINT32_MAX) throw std::length_error("PointerVector: more than 2^32 - 1 elements");
        const std::size_t grown = std::min<std::size_t>(std::max<std::size_t>(count, 2 * capacity), UINT32_MAX);
        auto* heap = static_cast<Storage*>(runtime_allocate(runtime, bytes_for(grown)));
        heap->size = static_cast<std::uint32_t>(size());
        heap->capacity = static_cast<std::uint32_t>(grown);
        std::copy(begin(), end(), elements(heap));
        if (old != nullptr) runtime_deallocate(runtime, old, bytes_for(old->capacity));
        one_ = reinterpret_cast<T*>(reinterpret_cast<std::uintptr_t>(heap) | kStorageTag);
        return heap;
    }

    T* one_ = nullptr;  // the element, the storage's tagged address, or null
};

}  // namespace luaos
