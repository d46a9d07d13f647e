// What accounting costs: the same scripts with slice timing on and off
// (RuntimeOptions::accounting), and with an observer hearing every slice as
// a trace writer would, against raw Lua 5.4 in the same run.
//
// usage: luaos_bench_accounting [iterations]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/measure.hpp"

using namespace luaos::bench;

namespace {

// Hears every slice and keeps a little of it, as a trace writer does.
struct SliceCounter : luaos::ProcessObserver {
    std::uint64_t slices = 0;
    std::uint64_t nanoseconds = 0;
    void on_slice(const luaos::Process&, const luaos::SliceRecord& slice) override {
        ++slices;
        nanoseconds += slice.duration_ns;
    }
};

// The variants alternate, run by run, so that drift in the machine's speed
// (frequency, other load) falls on all of them alike.
void report(const char* workload, const std::string& code, double raw) {
    SliceCounter counter;
    double off = 1e300, on = 1e300, observed = 1e300;
    for (int round = 0; round < kRepeats; ++round) {
        off = std::min(off, once_ms(code, {.accounting = false}, nullptr));
        on = std::min(on, once_ms(code, {.accounting = true}, nullptr));
        observed = std::min(observed, once_ms(code, {.accounting = true}, &counter));
    }
    std::printf("%-30s %9.1f %9.1f %9.1f %9.1f %11.3f %11.3f\n", workload, raw, off, on, observed, on / off,
                observed / off);
}

}  // namespace

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 20'000'000;
    const std::string cpu = "local s = 0 for i = 1, " + std::to_string(iterations) + " do s = s + i end";
    const std::string yields = "for i = 1, " + std::to_string(iterations / 20) + " do coroutine.yield() end";
    const std::string raw_yields = "local co = coroutine.wrap(function() while true do coroutine.yield() end end) "
                                   "for i = 1, " + std::to_string(iterations / 20) + " do co() end";

    std::printf("best of %d runs, milliseconds; ratios against accounting off\n", kRepeats);
    std::printf("%-30s %9s %9s %9s %9s %11s %11s\n", "workload", "raw Lua", "off", "on", "+observer", "on/off",
                "observer/off");
    report("CPU-bound (deadline mode)", cpu, raw_lua_ms(cpu));
    report("one slice per yield", yields, raw_lua_ms(raw_yields));
    return 0;
}
