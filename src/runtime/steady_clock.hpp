#pragma once
// Monotonic nanoseconds (std::chrono::steady_clock): the clock of slices
// (SliceRecord), of the frame budget and of the trace. One reading costs
// about 20 ns on the development machine.

#include <chrono>
#include <cstdint>

namespace luaos {

// `at` on that clock, in the same nanoseconds (a frame's deadline, say).
inline std::uint64_t steady_clock_ns(std::chrono::steady_clock::time_point at) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count());
}

inline std::uint64_t steady_clock_ns() { return steady_clock_ns(std::chrono::steady_clock::now()); }

}  // namespace luaos
