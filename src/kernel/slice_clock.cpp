#include "kernel/slice_clock.hpp"

#include "luaos/runtime.hpp"
#include "runtime/steady_clock.hpp"

namespace luaos {

std::uint64_t slice_clock_now(Runtime& runtime) {
    Runtime::SliceClock& clock = runtime.slice_clock();
    const std::uint64_t now = steady_clock_ns();
    if (clock.ticking) clock.now_ns = now;
    return now;
}

std::uint64_t slice_clock_slice_start(Runtime& runtime) {
    Runtime::SliceClock& clock = runtime.slice_clock();
    return clock.ticking ? clock.now_ns : steady_clock_ns();
}

SliceClockScope::SliceClockScope(Runtime& runtime)
    : runtime_(runtime), outermost_(runtime.options().accounting && !runtime.slice_clock().ticking) {
    if (!outermost_) return;
    Runtime::SliceClock& clock = runtime_.slice_clock();
    clock.ticking = true;
    clock.now_ns = steady_clock_ns();
}

SliceClockScope::~SliceClockScope() {
    if (outermost_) runtime_.slice_clock().ticking = false;
}

}  // namespace luaos
