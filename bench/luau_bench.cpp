// What Luau costs: translating Luau to Lua (time per KB, at three sizes to
// show it is linear), and running a Luau program against the same program
// written in plain Lua 5.4, both as luaos processes in the same run (and raw
// Lua 5.4 as the floor). Each figure is the best of several runs.
//
// usage: luaos_bench_luau [iterations]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "dialect/luau_translator.hpp"
#include "support/measure.hpp"

using namespace luaos::bench;

namespace {

// A block of typical Luau, made distinct by `n`: annotations, generics,
// compound assignment, interpolation, if-expressions, continue, iteration.
std::string luau_block(int n) {
    std::string id = std::to_string(n);
    return "type Point" + id + "<T> = {x: T, y: T, tag: string?}\n"
           "local function step" + id + "<T>(p: Point" + id + "<number>, dx: number): (number, string)\n"
           "    local total: number = 0\n"
           "    for i, v in {p.x, p.y} do\n"
           "        if v == 0 then continue end\n"
           "        total += v * dx // 2\n"
           "    end\n"
           "    local label = if total > 10 then `big {total}` else \"small\" .. total\n"
           "    return total, label :: string\n"
           "end\n";
}

struct Workload {
    const char* name;
    std::string luau;
    std::string lua;
};

}  // namespace

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 2'000'000;

    std::printf("translation (best of %d)\n%-10s %12s %12s\n", kRepeats, "source", "ms", "us per KB");
    for (int blocks : {50, 800, 12800}) {
        std::string source;
        for (int i = 0; i < blocks; ++i) source += luau_block(i);
        double ms = best_ms([&] {
            luaos::luau::LuauTranslation result = luaos::luau::translate_luau(source, "bench.luau");
            if (!result.ok()) {
                std::fprintf(stderr, "%s\n", result.error.c_str());
                std::exit(1);
            }
        });
        double kb = double(source.size()) / 1024;
        std::printf("%7.0f KB %12.3f %12.2f\n", kb, ms, ms * 1000 / kb);
    }

    const std::string n = std::to_string(iterations);
    const std::string rows = std::to_string(iterations / 1000);
    const Workload workloads[] = {
        {"arithmetic", "local s = 0 for i = 1, " + n + " do s += i * 3 - s / 2 end",
         "local s = 0 for i = 1, " + n + " do s = s + i * 3 - s / 2 end"},
        // Lua 5.4 takes a float's remainder with fmod, an integer's with one
        // instruction: Luau's numbers are all floats.
        {"modulo", "local s = 0 for i = 1, " + n + " do s += i % 7 end",
         "local s = 0 for i = 1, " + n + " do s = s + i % 7 end"},
        {"concatenation",
         "local c = 0 for i = 1, " + n + " do local s = 'item ' .. i .. ':' .. (i * 2) c += #s end",
         "local c = 0 for i = 1, " + n + " do local s = 'item ' .. i .. ':' .. (i * 2) c = c + #s end"},
        {"interpolation", "local c = 0 for i = 1, " + n + " do c += #`x={i} y={i + 1}` end",
         "local c = 0 for i = 1, " + n + " do c = c + #string.format('x=%d y=%d', i, i + 1) end"},
        {"iteration",
         "local t = {} for i = 1, 1000 do t[i] = i end local s = 0 for r = 1, " + rows +
             " do for _, v in t do s += v end end",
         "local t = {} for i = 1, 1000 do t[i] = i end local s = 0 for r = 1, " + rows +
             " do for _, v in ipairs(t) do s = s + v end end"},
        {"closures+calls",
         "local function add(a: number, b: number): number return a + b end local s = 0 for i = 1, " + n +
             " do s = add(s, if i % 2 == 0 then 1 else 2) end",
         "local function add(a, b) return a + b end local s = 0 for i = 1, " + n +
             " do local d if i % 2 == 0 then d = 1 else d = 2 end s = add(s, d) end"},
    };
    std::printf("\nrun time, %ld iterations each (best of %d; default quantum)\n", iterations, kRepeats);
    std::printf("%-15s %12s %12s %12s %12s\n", "workload", "raw Lua ms", "luaos Lua ms", "luaos Luau ms", "Luau / Lua");
    for (const Workload& w : workloads) {
        double raw = raw_lua_ms(w.lua);
        double lua = luaos_ms(w.lua, {});
        double luau = luaos_ms(w.luau, {}, nullptr, luaos::Dialect::Luau);
        std::printf("%-15s %12.1f %12.1f %12.1f %11.2fx\n", w.name, raw, lua, luau, luau / lua);
    }
    return 0;
}
