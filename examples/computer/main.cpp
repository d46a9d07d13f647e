// A computer that remembers: one VM kept in a SQLite store, booting a shell
// from its own files, driven by the command lines given here.
//
//   computer STORE SHELL_DIR [LINE...]
//
// The first time (STORE holds no VM) it creates the VM and installs the
// programs of SHELL_DIR (examples/shell/) as files: /bin/shell.lua,
// /bin/echo.lua, ... with /bin/shell.lua as the VM's boot list. Every time, it
// opens the VM, boots it (the shell starts afresh: running processes are not
// saved) and types each LINE into the shell. Files the shell's programs
// wrote before are still there:
//
//   computer world.db examples/shell "write note remembered" "ls"
//   computer world.db examples/shell "cat note"      # prints: remembered
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include <luaos/luaos.hpp>

namespace {

struct Console : luaos::ProcessObserver {
    void on_output(const luaos::Process&, std::string_view text) override { std::cout << text; }
    void on_exit(const luaos::Process& process) override {
        if (process.status() != luaos::ProcessStatus::Finished) std::cerr << "computer: " << process.error() << "\n";
    }
};

// Copies every .lua file of `dir` into the VM's /bin.
void install_programs(luaos::Os& os, const std::filesystem::path& dir) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".lua") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream code;
        code << in.rdbuf();
        const std::string why = os.write_file("/bin/" + entry.path().filename().string(), code.str());
        if (!why.empty()) throw luaos::StoreError("cannot install " + entry.path().string() + ": " + why);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: computer STORE SHELL_DIR [LINE...]\n";
        return 2;
    }
    try {
        luaos::ClusterOptions options;
        options.store = luaos::open_sqlite_store(argv[1]);
        luaos::Cluster cluster(options);
        Console console;
        cluster.set_observer(&console);
        const std::vector<luaos::StoredVmId> stored = options.store->vms();
        luaos::VirtualMachine& vm = stored.empty() ? cluster.create_stored_vm({{"/bin/shell.lua", {"$ "}}})
                                                   : cluster.open_stored_vm(stored.front());
        if (stored.empty()) install_programs(vm.os(), argv[2]);
        const std::vector<luaos::SpawnResult> booted = vm.os().boot();
        if (booted.empty() || !booted.front().ok()) {
            std::cerr << "computer: the shell did not start\n";
            return 1;
        }
        const luaos::Pid shell = booted.front().pid;
        for (int i = 3; i < argc; ++i) vm.os().write_stdin(shell, argv[i]);
        vm.os().close_stdin(shell);
        cluster.run({.max_ticks = 10000});
        std::cout << "\n";
    } catch (const luaos::StoreError& error) {
        std::cerr << "computer: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
