#pragma once
// A vector of pointers for the lists every VM keeps (its processes, the
// runnable ones): 16 bytes where a std::vector with its RuntimeAllocator
// takes 32, and with room for one element inside, so that a VM with one
// process needs no storage block for either list: 48 bytes less per VM.
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

#include "luaos/runtime_allocator.hpp"

namespace luaos {

template <typename T>
class PointerVector {
public:
    PointerVector() = default;
    ~PointerVector() { assert(capacity_ == kInline && "release() gives the storage back first"); }
    PointerVector(const PointerVector&) = delete;
    PointerVector& operator=(const PointerVector&) = delete;

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T** begin() { return data(); }
    T** end() { return data() + size_; }
    T* const* begin() const { return data(); }
    T* const* end() const { return data() + size_; }
    T*& operator[](std::size_t index) {
        assert(index < size_);
        return data()[index];
    }
    T* operator[](std::size_t index) const {
        assert(index < size_);
        return data()[index];
    }
    T* front() const { return (*this)[0]; }
    T* back() const { return (*this)[size_ - 1]; }

    void push_back(Runtime& runtime, T* item) {
        reserve(runtime, std::size_t{size_} + 1);
        data()[size_++] = item;
    }
    void append(Runtime& runtime, std::span<T* const> items) {
        reserve(runtime, std::size_t{size_} + items.size());
        std::copy(items.begin(), items.end(), end());
        size_ += static_cast<std::uint32_t>(items.size());
    }
    // Keeps the first `count` elements (at most size()); the storage stays.
    void truncate(std::size_t count) {
        assert(count <= size_);
        size_ = static_cast<std::uint32_t>(count);
    }
    // Empties the vector and gives its storage back to `runtime`.
    void release(Runtime& runtime) noexcept {
        if (capacity_ != kInline) runtime_deallocate(runtime, heap_, capacity_ * sizeof(T*));
        one_ = nullptr;
        size_ = 0;
        capacity_ = kInline;
    }

private:
    static constexpr std::uint32_t kInline = 1;

    T** data() { return capacity_ == kInline ? &one_ : heap_; }
    T* const* data() const { return capacity_ == kInline ? &one_ : heap_; }

    // Room for `count` elements, at least doubling, as std::vector grows.
    void reserve(Runtime& runtime, std::size_t count) {
        if (count <= capacity_) return;
        if (count > UINT32_MAX) throw std::length_error("PointerVector: more than 2^32 - 1 elements");
        const std::size_t capacity = std::min<std::size_t>(std::max<std::size_t>(count, 2 * std::size_t{capacity_}), UINT32_MAX);
        auto** storage = static_cast<T**>(runtime_allocate(runtime, capacity * sizeof(T*)));
        std::copy(begin(), end(), storage);
        if (capacity_ != kInline) runtime_deallocate(runtime, heap_, capacity_ * sizeof(T*));
        heap_ = storage;
        capacity_ = static_cast<std::uint32_t>(capacity);
    }

    union {
        T* one_ = nullptr;  // the element, while capacity_ is kInline
        T** heap_;
    };
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = kInline;
};

}  // namespace luaos
