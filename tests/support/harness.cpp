#include "support/harness.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace luaos::test {

void ExitRecorder::on_exit(const Process& process) {
    std::lock_guard lock(mutex_);
    exits_.push_back(
        {process.pid(), process.status(), process.error(), process.output(), tick, process.stats(), process.traceback()});
}

std::vector<Exit> ExitRecorder::exits() const {
    std::lock_guard lock(mutex_);
    return exits_;
}

Exit ExitRecorder::of(Pid pid) const {
    std::lock_guard lock(mutex_);
    for (const Exit& exit : exits_) {
        if (exit.pid == pid) return exit;
    }
    ADD_FAILURE() << "process " << pid << " has not exited";
    return {};
}

Harness::Harness(RuntimeOptions options, KernelOptions kernel) : runtime(options), os(runtime) {
    set_kernel_options(runtime, kernel);
    runtime.set_observer(&recorder);
}

Pid Harness::spawn(std::string_view code, std::string_view name) { return os.spawn_process(code, name).pid; }

void Harness::tick() {
    ++recorder.tick;
    os.tick();
}

std::uint64_t Harness::run(std::uint64_t max_ticks) {
    std::uint64_t ran = 0;
    while (!os.is_finished() && ran < max_ticks) {
        tick();
        ++ran;
    }
    return ran;
}

Exit run_script(std::string_view code, RuntimeOptions options, KernelOptions kernel) {
    Harness harness(options, kernel);
    Pid pid = harness.spawn(code);
    harness.run();
    return harness.exit_of(pid);
}

std::string output_of(std::string_view code) {
    Exit exit = run_script(code);
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    return exit.output;
}

std::pair<std::uint64_t, std::uint64_t> turns_per_vm(Cluster& cluster) {
    std::uint64_t fewest = ~std::uint64_t{0};
    std::uint64_t most = 0;
    cluster.for_each_vm([&](VirtualMachine& vm) {
        const VmStats stats = vm.os().stats();
        fewest = std::min(fewest, stats.slices + stats.turns_sat_out);
        most = std::max(most, stats.slices + stats.turns_sat_out);
    });
    return {fewest, most};
}

void expect_a_turn_every_tick(const Harness& harness, const Exit& exit, std::uint64_t slices) {
    EXPECT_EQ(exit.stats.slices, slices + exit.stats.preemptions);
    EXPECT_GE(exit.tick, exit.stats.slices);
    EXPECT_LE(exit.tick, exit.stats.slices + harness.os.stats().turns_sat_out);
    if (harness.runtime.options().preemption == PreemptionMode::InstructionCount) {
        EXPECT_EQ(exit.tick, slices);
    }
}

}  // namespace luaos::test
