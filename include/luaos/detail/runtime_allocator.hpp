#pragma once
// Engine internals, not for hosts (see luaos/detail/task.hpp).
// A standard allocator that draws from a runtime's block pools
// (docs/architecture.md), for the engine's small per-VM arrays: they then sit
// beside the runtime's other data, never on a cache line another shard's
// worker writes.

#include <cstddef>

namespace luaos {

class Runtime;

void* runtime_allocate(Runtime& runtime, std::size_t bytes);
void runtime_deallocate(Runtime& runtime, void* memory, std::size_t bytes) noexcept;

template <typename T>
class RuntimeAllocator {
public:
    using value_type = T;

    explicit RuntimeAllocator(Runtime& runtime) noexcept : runtime_(&runtime) {}
    template <typename U>
    RuntimeAllocator(const RuntimeAllocator<U>& other) noexcept : runtime_(other.runtime()) {}

    T* allocate(std::size_t count) { return static_cast<T*>(runtime_allocate(*runtime_, count * sizeof(T))); }
    void deallocate(T* memory, std::size_t count) noexcept { runtime_deallocate(*runtime_, memory, count * sizeof(T)); }
    Runtime* runtime() const noexcept { return runtime_; }

    template <typename U>
    bool operator==(const RuntimeAllocator<U>& other) const noexcept {
        return runtime_ == other.runtime();
    }

private:
    Runtime* runtime_;
};

}  // namespace luaos
