#pragma once
// A fixed set of threads that run one job per tick: job(i) for every worker
// index i, the calling thread doing index 0. run() returns when all are done,
// so a tick is a barrier and the game loop stays single-threaded around it.
//
// Waiting spins a little before it sleeps, on both sides of the barrier, when
// runs follow each other closely. On a virtual machine a sleeping thread's
// CPU idles and the hypervisor takes it away; waking it again took a few
// hundred microseconds here, per worker per tick, while the other workers
// waited. Ticks that follow each other within the spin never sleep. A run
// that begins more than kSpin after the last one returned (a paced game
// loop's frame with time to spare) finds its workers asleep and is likely to
// be followed by another such gap: nobody spins in it, neither the workers
// when they are done (the next run is a frame away) nor the caller waiting
// for them (they wake from sleep). Spinning there cost 100 us on each side
// per frame: 1.4% of a core for a server whose VMs all sleep, at 60 ticks per
// second.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace luaos {

class WorkerPool {
public:
    static constexpr std::chrono::microseconds kSpin{100};

    explicit WorkerPool(unsigned size);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(threads_.size()) + 1; }
    void run(const std::function<void(unsigned)>& job);

private:
    void worker_loop(unsigned index);
    // Waits until `done()`: spinning for kSpin if `spin`, then sleeping on `wake`.
    template <typename Done>
    void wait_until(std::condition_variable& wake, bool spin, Done done);
    // Wakes the threads sleeping on `wake` after a change to an atomic their
    // condition reads (made before the call).
    void notify(std::condition_variable& wake);

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable start_;
    std::condition_variable done_;
    const std::function<void(unsigned)>* job_ = nullptr;  // published by generation_
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<unsigned> pending_{0};
    std::atomic<bool> stopping_{false};
    // Whether the running run came within kSpin of the last (published by generation_).
    bool spin_ = true;
    std::chrono::steady_clock::time_point last_return_{};
};

}  // namespace luaos
