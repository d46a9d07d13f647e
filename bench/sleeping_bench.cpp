// What sleeping processes cost the scheduler: the tick of one busy process
// alone, against the same with 100,000 sleeping (and then 100,000 waiting)
// processes in the same Os, measured in the same run. Sleepers sit in a timer
// heap and waiters in their event's list, so neither is visited per tick.
// Then the same at the cluster's level: VMs whose processes all sleep are set
// aside by their shard.
//
// usage: luaos_bench_sleeping [sleepers] [ticks]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

RuntimeOptions options() {
    RuntimeOptions options;
    // Short, reproducible slices (1,000 instructions, about 4 us) make any
    // per-tick cost of the sleepers stand out against the busy slice.
    options.preemption = PreemptionMode::InstructionCount;
    options.memory_limit = std::size_t{4} << 30;  // 100,000 processes need more than one VM's default
    return options;
}

// ns per tick of an Os with `busy` CPU-bound processes and `idle` processes
// parked in `idle_code`, over `ticks` ticks (the best of several runs).
double ns_per_tick(int busy, long idle, const char* idle_code, long ticks) {
    Runtime runtime(options());
    set_kernel_options(runtime, {.keep_output = false});
    Os os(runtime);
    for (long i = 0; i < idle; ++i) os.spawn_process(idle_code, "idle.lua");
    os.tick();  // every idle process runs once, then is parked
    for (int i = 0; i < busy; ++i) os.spawn_process("while true do end", "busy.lua");
    os.tick();
    const double ms = best_ms([&] {
        for (long t = 0; t < ticks; ++t) os.tick();
    });
    return ms * 1e6 / double(ticks);
}

// ns per cluster tick with one busy VM and `idle` VMs whose one process
// sleeps: the shard sets such VMs aside, so they should cost nothing.
double cluster_ns_per_tick(long idle, long ticks) {
    Cluster cluster({.runtime = options(), .kernel = {.keep_output = false}, .threads = 1});
    for (long i = 0; i < idle; ++i) cluster.create_vm().os().spawn_process("os.sleep(math.maxinteger)", "idle.lua");
    cluster.create_vm().os().spawn_process("while true do end", "busy.lua");
    cluster.tick();
    const double ms = best_ms([&] {
        for (long t = 0; t < ticks; ++t) cluster.tick();
    });
    return ms * 1e6 / double(ticks);
}

}  // namespace

int main(int argc, char** argv) {
    const long idle = argc > 1 ? std::atol(argv[1]) : 100'000;
    const long ticks = argc > 2 ? std::atol(argv[2]) : 20'000;
    std::printf("tick cost with %ld idle processes in the same Os (%ld ticks, best of %d)\n", idle, ticks, kRepeats);
    std::printf("%-44s %12s %10s\n", "os", "ns/tick", "vs alone");
    const double alone = ns_per_tick(1, 0, "", ticks);
    std::printf("%-44s %12.1f %10s\n", "1 busy process alone", alone, "1.00x");
    const double sleeping = ns_per_tick(1, idle, "os.sleep(math.maxinteger)", ticks);
    std::printf("%-44s %12.1f %9.3fx\n", ("1 busy + " + std::to_string(idle) + " sleeping").c_str(), sleeping,
                sleeping / alone);
    const double waiting = ns_per_tick(1, idle, "os.receive()", ticks);
    std::printf("%-44s %12.1f %9.3fx\n", ("1 busy + " + std::to_string(idle) + " waiting in os.receive").c_str(), waiting,
                waiting / alone);
    const double only_sleepers = ns_per_tick(0, idle, "os.sleep(math.maxinteger)", ticks * 10);
    std::printf("%-44s %12.1f %10s\n", (std::to_string(idle) + " sleeping, nothing runnable").c_str(), only_sleepers, "-");

    std::printf("\ncluster tick with %ld VMs whose process sleeps (one worker)\n", idle);
    const double cluster_alone = cluster_ns_per_tick(0, ticks);
    std::printf("%-44s %12.1f %10s\n", "1 busy VM alone", cluster_alone, "1.00x");
    const double cluster_sleeping = cluster_ns_per_tick(idle, ticks);
    std::printf("%-44s %12.1f %9.3fx\n", ("1 busy VM + " + std::to_string(idle) + " sleeping VMs").c_str(),
                cluster_sleeping, cluster_sleeping / cluster_alone);
    return 0;
}
