#include "cluster/worker_pool.hpp"

#include <cassert>

namespace luaos {

WorkerPool::WorkerPool(unsigned size) {
    assert(size >= 1 && "a pool has at least the calling thread");
    for (unsigned index = 1; index < size; ++index) threads_.emplace_back([this, index] { worker_loop(index); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    start_.notify_all();
    for (auto& thread : threads_) thread.join();
}

void WorkerPool::run(const std::function<void(unsigned)>& job) {
    {
        std::lock_guard lock(mutex_);
        assert(pending_ == 0 && "run() does not overlap itself");
        job_ = &job;
        pending_ = static_cast<unsigned>(threads_.size());
        ++generation_;
    }
    start_.notify_all();
    job(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
    job_ = nullptr;
}

void WorkerPool::worker_loop(unsigned index) {
    std::uint64_t seen = 0;
    for (;;) {
        const std::function<void(unsigned)>* job = nullptr;
        {
            std::unique_lock lock(mutex_);
            start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
            job = job_;
        }
        (*job)(index);
        std::lock_guard lock(mutex_);
        if (--pending_ == 0) done_.notify_one();
    }
}

}  // namespace luaos
