// libFuzzer target: arbitrary bytes through the Luau front end, then run.
//
// Each input is translated (dialect/luau_translator.hpp) and must come back
// either as Lua text with no more lines than the input (every token keeps its
// line) or as an error naming the chunk and a line. Then it runs as a Luau
// process beside a well-behaved Luau neighbour in a small VM with tight
// limits, so that what the translator lets through meets Luau's library and
// the helpers the translated code calls. Findings: any sanitizer report, a
// crash, a hang past -timeout, or a broken invariant below (they abort).
//
// Build and run as fuzz/README.md says for the script fuzzer; scripts/test
// runs it on fuzz/luau_corpus for LUAOS_LUAU_FUZZ_SECONDS (default 30).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dialect/luau_translator.hpp"
#include "luaos/luaos.hpp"

namespace {

constexpr int kMaxTicks = 30;

constexpr std::string_view kNeighbour = R"luau(
local total: number = 0
for i, v in {1, 2, 3} do total += v * i end
local words = ("a,b"):split(",")
print(`{total} {#words} {10 / 4}`, if total > 1 then "big" else "small")
)luau";
constexpr std::string_view kNeighbourOutput = "14 2 2.5\tbig\n";

[[noreturn]] void invariant_broken(const char* what, std::string_view detail) {
    std::fprintf(stderr, "luaos luau fuzz invariant broken: %s\n%.*s\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

struct Observer final : luaos::ProcessObserver {
    void on_exit(const luaos::Process& process) override {
        if (process.pid() != 2) return;
        neighbour_status = process.status();
        neighbour_report = process.error() + process.output();
    }
    luaos::ProcessStatus neighbour_status = luaos::ProcessStatus::Ready;
    std::string neighbour_report;
};

void check_translation(std::string_view source) {
    luaos::luau::LuauTranslation result = luaos::luau::translate_luau(source, "input");
    if (!result.ok()) {
        if (result.error.rfind("input:", 0) != 0) invariant_broken("an error that names no line", result.error);
        return;
    }
    auto lines = [](std::string_view text) { return std::count(text.begin(), text.end(), '\n'); };
    // Lua counts \r, \r\n and \n\r as one line break each; the output only writes \n.
    auto source_lines = lines(source) + std::count(source.begin(), source.end(), '\r');
    if (lines(result.lua) > source_lines) invariant_broken("the translation added lines", result.lua);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view code(reinterpret_cast<const char*>(data), size);
    check_translation(code);

    luaos::RuntimeOptions options;
    options.quantum = 100;
    options.memory_limit = std::size_t{4} << 20;
    options.cpu_budget = 200'000;
    Observer observer;
    {
        luaos::Runtime runtime(options);
        luaos::set_kernel_options(runtime, {.output_limit = std::size_t{64} << 10});
        runtime.set_observer(&observer);
        luaos::Os os(runtime);
        os.spawn_process(code, "=input", luaos::Dialect::Luau);
        luaos::SpawnResult neighbour = os.spawn_process(kNeighbour, "=neighbour", luaos::Dialect::Luau);
        if (!neighbour.ok()) invariant_broken("the neighbour does not compile", neighbour.error);
        for (int tick = 0; tick < kMaxTicks && !os.is_finished(); ++tick) os.tick();
    }
    if (observer.neighbour_status != luaos::ProcessStatus::Ready &&
        observer.neighbour_report != kNeighbourOutput && observer.neighbour_report.find("memory") == std::string::npos) {
        invariant_broken("the neighbour ran differently", observer.neighbour_report);
    }
    return 0;
}
