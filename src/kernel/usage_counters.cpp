#include "luaos/usage_counters.hpp"

#include "luaos/stats.hpp"

namespace luaos {

void UsageCounters::count_slice(const SliceRecord& slice) {
    cpu_ns += slice.duration_ns;
    instructions += slice.instructions;
    ++slices;
    if (slice.preempted) ++preemptions;
}

}  // namespace luaos
