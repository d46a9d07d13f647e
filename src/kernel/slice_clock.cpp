#include "kernel/slice_clock.hpp"

#include "luaos/runtime.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/steady_clock.hpp"

namespace luaos {

std::uint64_t slice_clock_now(Runtime& runtime) {
    auto& clock = RuntimeAccess::slice_clock(runtime);
    const std::uint64_t now = steady_clock_ns();
    if (clock.ticking) clock.now_ns = now;
    return now;
}

std::uint64_t slice_clock_slice_start(Runtime& runtime) {
    auto& clock = RuntimeAccess::slice_clock(runtime);
    return clock.ticking ? clock.now_ns : steady_clock_ns();
}

SliceClockScope::SliceClockScope(Runtime& runtime)
    : runtime_(runtime), outermost_(runtime.options().accounting && !RuntimeAccess::slice_clock(runtime).ticking) {
    if (!outermost_) return;
    auto& clock = RuntimeAccess::slice_clock(runtime_);
    clock.ticking = true;
    clock.now_ns = steady_clock_ns();
}

SliceClockScope::~SliceClockScope() {
    if (outermost_) RuntimeAccess::slice_clock(runtime_).ticking = false;
}

}  // namespace luaos
