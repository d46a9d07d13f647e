#include "cluster/worker_pool.hpp"

#include <cassert>

namespace luaos {
namespace {

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace

WorkerPool::WorkerPool(unsigned size) {
    assert(size >= 1 && "a pool has at least the calling thread");
    for (unsigned index = 1; index < size; ++index) threads_.emplace_back([this, index] { worker_loop(index); });
}

WorkerPool::~WorkerPool() {
    stopping_.store(true, std::memory_order_release);
    notify(start_);
    for (auto& thread : threads_) thread.join();
}

template <typename Done>
void WorkerPool::wait_until(std::condition_variable& wake, bool spin, Done done) {
    if (!spin) {
        std::unique_lock lock(mutex_);
        wake.wait(lock, done);
        return;
    }
    const auto give_up = std::chrono::steady_clock::now() + kSpin;
    for (unsigned spins = 0; !done(); ++spins) {
        cpu_relax();
        if (spins % 64 == 63 && std::chrono::steady_clock::now() >= give_up) {
            std::unique_lock lock(mutex_);
            wake.wait(lock, done);
            return;
        }
    }
}

// The lock orders the change before a sleeper's test of its condition: a
// thread either saw the change before sleeping, or is asleep and woken here.
void WorkerPool::notify(std::condition_variable& wake) {
    { std::lock_guard lock(mutex_); }
    wake.notify_all();
}

void WorkerPool::run(const std::function<void(unsigned)>& job) {
    assert(pending_.load() == 0 && "run() does not overlap itself");
    job_ = &job;
    spin_ = std::chrono::steady_clock::now() - last_return_ <= kSpin;
    pending_.store(static_cast<unsigned>(threads_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    notify(start_);
    job(0);
    wait_until(done_, spin_, [this] { return pending_.load(std::memory_order_acquire) == 0; });
    job_ = nullptr;
    last_return_ = std::chrono::steady_clock::now();
}

void WorkerPool::worker_loop(unsigned index) {
    std::uint64_t seen = 0;
    bool spin = true;
    for (;;) {
        wait_until(start_, spin, [&] {
            return generation_.load(std::memory_order_acquire) != seen || stopping_.load(std::memory_order_acquire);
        });
        if (stopping_.load(std::memory_order_acquire)) return;
        seen = generation_.load(std::memory_order_acquire);
        spin = spin_;
        (*job_)(index);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) notify(done_);
    }
}

}  // namespace luaos
