#pragma once
// A fixed set of threads that run one job per tick: job(i) for every worker
// index i, the calling thread doing index 0. run() returns when all are done,
// so a tick is a barrier and the game loop stays single-threaded around it.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace luaos {

class WorkerPool {
public:
    explicit WorkerPool(unsigned size);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(threads_.size()) + 1; }
    void run(const std::function<void(unsigned)>& job);

private:
    void worker_loop(unsigned index);

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable start_;
    std::condition_variable done_;
    const std::function<void(unsigned)>* job_ = nullptr;
    std::uint64_t generation_ = 0;
    unsigned pending_ = 0;
    bool stopping_ = false;
};

}  // namespace luaos
