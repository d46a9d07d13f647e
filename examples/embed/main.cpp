// A host embedding luaos: one VM, two processes, the game loop until both end.
#include <iostream>
#include <string_view>

#include <luaos/luaos.hpp>

// Hears every print() and every exit as it happens, on the thread ticking the VM.
struct Console : luaos::ProcessObserver {
    void on_output(const luaos::Process& process, std::string_view text) override {
        std::cout << "pid " << process.pid() << ": " << text;
    }
    void on_exit(const luaos::Process& process) override {
        std::cout << "pid " << process.pid() << " " << luaos::status_name(process.status()) << "\n";
    }
};

int main() {
    // One worker thread. Slices of 1000 Lua instructions (the deterministic
    // mode) make the output the same on every run; the default mode slices by
    // time, which is faster but not reproducible.
    luaos::Cluster cluster({.runtime = {.preemption = luaos::PreemptionMode::InstructionCount, .quantum = 1000}});
    Console console;
    cluster.set_observer(&console);
    luaos::Os& os = cluster.create_vm().os();
    // A step takes several 1000-instruction slices: both loops are preempted mid-step.
    os.spawn_process("for i = 1, 3 do for _ = 1, 5000 do end print('ping ' .. i) end", "ping");
    os.spawn_process("for i = 1, 3 do for _ = 1, 5000 do end print('pong ' .. i) end", "pong");
    luaos::RunStats stats = cluster.run({});
    std::cout << "done after " << stats.ticks << " ticks\n";
}
