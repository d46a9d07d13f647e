#pragma once
// A memory cap shared by several runtimes: the cluster-wide limit that keeps
// all VMs together from exhausting the host, whatever each VM's own limit.

#include <atomic>
#include <cstddef>

namespace luaos {

class MemoryCap {
public:
    explicit MemoryCap(std::size_t limit_bytes) : limit_(limit_bytes) {}
    MemoryCap(const MemoryCap&) = delete;
    MemoryCap& operator=(const MemoryCap&) = delete;

    // Takes `bytes` from the cap; false (and nothing taken) if it would pass the limit.
    bool try_reserve(std::size_t bytes);
    void release(std::size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
    std::size_t used() const { return used_.load(std::memory_order_relaxed); }
    std::size_t limit() const { return limit_; }

private:
    std::atomic<std::size_t> used_{0};
    std::size_t limit_;
};

// Three quarters of the machine's physical memory: the default cluster cap.
std::size_t default_memory_cap();

}  // namespace luaos
