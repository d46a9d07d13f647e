#include "cluster/shard.hpp"

#include <cassert>
#include <vector>

#include "kernel/slice_clock.hpp"

namespace luaos {

VirtualMachine& Shard::add_vm(std::uint64_t serial) {
    vms_.push_back(std::unique_ptr<VirtualMachine>(new (runtime_) VirtualMachine(runtime_, serial)));
    return *vms_.back();
}

// Turns go round-robin from `next_`: a tick the frame budget cut short
// resumes with the first VM it did not reach, so every VM gets the same
// number of turns over time, however little fits in a frame.
std::size_t Shard::tick(std::chrono::steady_clock::time_point deadline) {
    const std::size_t count = vms_.size();
    const bool budgeted = deadline != std::chrono::steady_clock::time_point::max();
    const auto deadline_ns = budgeted ? static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                                       deadline.time_since_epoch())
                                                                       .count())
                                      : 0;
    std::size_t turns = 0;
    SliceClockScope clock(runtime_);
    for (; turns < count; ++turns) {
        // The first turn always runs, so that even a budget smaller than one
        // slice makes progress. The slice clock's last reading is as good as
        // reading the time.
        if (budgeted && turns > 0) {
            const std::uint64_t now = slice_clock_slice_start(runtime_);
            if (now >= deadline_ns) break;
        }
        vms_[(next_ + turns) % count]->os().tick();
    }
    next_ = count == 0 ? 0 : (next_ + turns) % count;
    drop_finished_vms();
    return count - turns;
}

// Keeps the round-robin position on the same VM (or the next survivor).
void Shard::drop_finished_vms() {
    std::size_t kept = 0;
    std::size_t next = 0;
    for (std::size_t i = 0; i < vms_.size(); ++i) {
        if (i == next_) next = kept;
        if (vms_[i]->os().is_finished()) continue;
        vms_[kept++] = std::move(vms_[i]);
    }
    vms_.resize(kept);
    next_ = kept == 0 ? 0 : next % kept;
    assert(next_ < vms_.size() || vms_.empty());
}

}  // namespace luaos
