#pragma once
// Monotonic nanoseconds (std::chrono::steady_clock): the clock of slices
// (SliceRecord), of the frame budget and of the trace. One reading costs
// about 20 ns on the development machine.

#include <chrono>
#include <cstdint>

namespace luaos {

inline std::uint64_t steady_clock_ns() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count());
}

}  // namespace luaos
