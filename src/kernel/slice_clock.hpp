#pragma once
// The clock that times slices.
//
// A slice can be as short as 100 ns, and reading steady_clock costs about
// 20 ns, so within a tick the end of one slice is the start of the next: one
// reading per slice, not two. (The processor's time-stamp counter was tried:
// on the development machine, a virtual one, reading it costs as much as
// steady_clock, which reads it too.)

#include <cstdint>

namespace luaos {

class Runtime;

// Now; within a SliceClockScope also the start of the runtime's next slice.
std::uint64_t slice_clock_now(Runtime& runtime);
// When a slice starting now starts: the last reading within a scope.
std::uint64_t slice_clock_slice_start(Runtime& runtime);

// Ticks of many slices in a row on one runtime (an Os's, a shard's) share the
// clock. Nested scopes are part of their outer one.
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
