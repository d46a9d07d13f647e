#pragma once
// The scheduler's unit of work: one slice of one process.

#include <cstdint>

namespace luaos {

class Process;
class Runtime;

// Resumes `process` where it stopped and runs it until it is preempted,
// yields at its top level, returns or fails; updates its status to match.
void scheduler_run_slice(Runtime& runtime, Process& process);

// Monotonic nanoseconds (std::chrono::steady_clock), as SliceRecord uses.
std::uint64_t scheduler_now_ns();

// Ticks of many slices in a row on one runtime (an Os's, a shard's) share the
// clock: each slice starts when the one before it ended. Nested scopes are
// part of their outer one.
class SliceClockScope {
public:
    explicit SliceClockScope(Runtime& runtime);
    ~SliceClockScope();
    SliceClockScope(const SliceClockScope&) = delete;
    SliceClockScope& operator=(const SliceClockScope&) = delete;

private:
    Runtime& runtime_;
    bool outermost_;
};

}  // namespace luaos
