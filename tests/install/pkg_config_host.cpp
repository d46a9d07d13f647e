// A host that knows luaos only through pkg-config: built by
// tests/install/pkg_config_host.cmake with
//     c++ -std=c++20 pkg_config_host.cpp $(pkg-config --cflags --libs luaos)
#include <iostream>
#include <string_view>

#include <luaos/luaos.hpp>

struct Console : luaos::ProcessObserver {
    void on_output(const luaos::Process&, std::string_view text) override { std::cout << text; }
};

int main() {
    luaos::Cluster cluster;
    Console console;
    cluster.set_observer(&console);
    cluster.create_vm().os().spawn_process("print('hello from ' .. _VERSION)", "host.lua");
    luaos::RunStats stats = cluster.run({});
    std::cout << "ticks " << stats.ticks << "\n";
}
