// libFuzzer target: arbitrary bytes run as a hostile script.
//
// Each input gets a fresh Runtime (one shared Lua state) with a small quantum
// and tight limits, and three VMs on it:
//   VM A: the input (pid 1) and a well-behaved neighbour (pid 2), so that the
//         scheduler switches between them within one VM;
//   VM B: the input again, so its compiled chunk is shared between two VMs
//         (the chunk cache) and memory is charged to two accounts;
//   VM C: the neighbour alone. VMs are isolated, so whatever the input does
//         this one must end as it always does: finished, printing its line.
// The VMs tick in turn a bounded number of times, then everything is
// destroyed: a script that loops forever is simply abandoned mid-slice, as
// a host would when it drops a VM.
//
// Build: -DCMAKE_CXX_COMPILER=clang++ -DLUAOS_BUILD_FUZZERS=ON (fuzz/README.md).
// What counts as a finding: any sanitizer report, a crash, a hang past
// -timeout, or a broken engine invariant (the checks below abort).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "luaos/luaos.hpp"

namespace {

constexpr std::uint32_t kQuantum = 100;  // Lua instructions per slice
constexpr int kMaxTicks = 50;            // ticks per input: bounds scripts that never end

// A process that must always run to its end, whatever the input does: it uses
// coroutines, the string library and the table library across several slices.
constexpr std::string_view kNeighbour = R"lua(
local co = coroutine.wrap(function()
  for i = 1, 3 do coroutine.yield(i) end
end)
local n = 0
for _ = 1, 3 do n = n + co() end
local t = {}
for i = 1, 20 do t[#t + 1] = ("%d"):format(i * i) end
print(n, #table.concat(t, ","), ("ab"):rep(2))
)lua";

[[noreturn]] void invariant_broken(const char* what, std::string_view detail) {
    std::fprintf(stderr, "luaos fuzz invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

constexpr std::string_view kNeighbourOutput = "6\t67\tabab\n";

// Counts what a host hears, checks each exit has a final status, and keeps
// how the isolated neighbour (VM C) ended.
struct Observer final : luaos::ProcessObserver {
    void on_output(const luaos::Process&, std::string_view text) override { output_bytes += text.size(); }
    void on_exit(const luaos::Process& process) override {
        if (!process.is_finished()) invariant_broken("on_exit for a process still running", process.name());
        ++exits;
        if (&process.os() == isolated) {
            isolated_status = process.status();
            isolated_report = process.error() + process.output();
        }
    }
    std::size_t output_bytes = 0;
    int exits = 0;
    const luaos::Os* isolated = nullptr;
    luaos::ProcessStatus isolated_status = luaos::ProcessStatus::Ready;
    std::string isolated_report;
};

luaos::RuntimeOptions fuzz_options() {
    luaos::RuntimeOptions options;
    options.quantum = kQuantum;
    // ---- LIMITS ------------------------------------------------------------
    // The hostile-script limits, as tight as a fuzz run wants them: a VM may
    // hold 4 MiB of Lua memory, a slice that cannot be preempted may run
    // 200,000 instructions, a process may have 64 KiB of output pending (set
    // on the runtime beside these: KernelOptions).
    // Without them a script can allocate until libFuzzer's -rss_limit_mb /
    // -malloc_limit_mb stops the run, or hang a slice until -timeout does.
    options.memory_limit = std::size_t{4} << 20;
    options.cpu_budget = 200'000;
    // ------------------------------------------------------------------------
    return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using luaos::Os;
    using luaos::ProcessStatus;
    const std::string_view code(reinterpret_cast<const char*>(data), size);
    Observer observer;
    {
        luaos::Runtime runtime(fuzz_options());
        luaos::set_kernel_options(runtime, {.output_limit = std::size_t{64} << 10});
        runtime.set_observer(&observer);
        luaos::VirtualMachine vm_a(runtime, 0);
        luaos::VirtualMachine vm_b(runtime, 1);
        luaos::VirtualMachine vm_c(runtime, 2);
        Os& a = vm_a.os();
        Os& b = vm_b.os();
        Os& c = vm_c.os();
        observer.isolated = &c;

        const luaos::SpawnResult input_a = a.spawn_process(code, "=input");
        const luaos::SpawnResult neighbour = a.spawn_process(kNeighbour, "=neighbour");
        const luaos::SpawnResult input_b = b.spawn_process(code, "=input");
        const luaos::SpawnResult isolated = c.spawn_process(kNeighbour, "=isolated");
        constexpr int kSpawned = 4;
        if (!neighbour.ok()) invariant_broken("the neighbour does not compile", neighbour.error);
        if (!isolated.ok()) invariant_broken("the neighbour does not compile", isolated.error);
        if (input_a.error != input_b.error) {
            invariant_broken("one source, spawned in two VMs, two outcomes", input_a.error + "\n" + input_b.error);
        }

        auto all_finished = [&] { return a.is_finished() && b.is_finished() && c.is_finished(); };
        for (int tick = 0; tick < kMaxTicks && !all_finished(); ++tick) {
            for (Os* os : {&a, &b, &c}) {
                if (os->is_finished()) continue;
                os->tick();
                if (luaos::current_process(runtime) != nullptr) invariant_broken("a slice outlived its tick", "");
                for (const auto& process : os->processes()) {
                    if (process->is_finished()) invariant_broken("an ended process was not removed", process->name());
                }
            }
        }
        if (!c.is_finished()) invariant_broken("the isolated neighbour did not end", "");
        if (observer.isolated_status != ProcessStatus::Finished || observer.isolated_report != kNeighbourOutput) {
            invariant_broken("another VM's script changed how the isolated neighbour ran",
                             std::string(luaos::status_name(observer.isolated_status)) + ": " +
                                 observer.isolated_report);
        }
        if (all_finished() && observer.exits != kSpawned) {
            invariant_broken("every process ended but not every exit was reported", "");
        }
        // The VMs, then the runtime, are destroyed here, with whatever still runs.
    }
    return 0;
}
