#pragma once
// What a process counts of its slices: ProcessStats reports these alongside
// figures read from elsewhere, and VmStats their sum over the VM's
// processes, ended ones included. (Output bytes are counted with the output,
// in ProcessText: most processes never print.)

#include <cstdint>

namespace luaos {

struct SliceRecord;

struct UsageCounters {
    std::uint64_t cpu_ns = 0;
    std::uint64_t instructions = 0;
    std::uint64_t slices = 0;
    std::uint64_t preemptions = 0;

    void count_slice(const SliceRecord& slice);
    void add(const UsageCounters& other) {
        cpu_ns += other.cpu_ns;
        instructions += other.instructions;
        slices += other.slices;
        preemptions += other.preemptions;
    }

    // Fills the fields of ProcessStats or VmStats that these count.
    template <typename Stats>
    void report(Stats& stats) const {
        stats.cpu_ns = cpu_ns;
        stats.instructions = instructions;
        stats.slices = slices;
        stats.preemptions = preemptions;
    }
};

}  // namespace luaos
