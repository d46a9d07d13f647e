#include "net/net_support.hpp"

#include <gtest/gtest.h>

namespace luaos::test {

NetWorld::NetWorld(ClusterOptions options) : cluster(options) { cluster.set_observer(this); }

NetWorld::~NetWorld() { cluster.set_observer(nullptr); }

NetAddress net_address(std::uint32_t offset) { return *parse_net_address("10.0.0.1") + offset; }

VirtualMachine& NetWorld::add_vm(bool addressed) {
    VirtualMachine& vm = cluster.create_vm();
    if (addressed) {
        const bool given = cluster.network().set_addresses(vm, {net_address(static_cast<std::uint32_t>(vm.serial()))});
        EXPECT_TRUE(given);
    }
    return vm;
}

std::pair<std::uint64_t, Pid> NetWorld::spawn(VirtualMachine& vm, std::string_view code) {
    SpawnResult result = vm.os().spawn_process(code, "net_test.lua");
    EXPECT_TRUE(result.ok()) << result.error;
    return {vm.serial(), result.pid};
}

void NetWorld::tick() { cluster.tick(); }

std::uint64_t NetWorld::run(std::uint64_t max_ticks) {
    std::uint64_t ran = 0;
    while (cluster.vm_count() > 0 && ran < max_ticks) {
        cluster.tick();
        ++ran;
    }
    return ran;
}

void NetWorld::on_exit(const Process& process) {
    std::lock_guard lock(mutex_);
    const std::uint64_t serial = process.os().vm() != nullptr ? process.os().vm()->serial() : 0;
    exits_[{serial, process.pid()}] = {process.status(), process.error(), process.output(), cluster.ticks() + 1};
}

NetExit NetWorld::exit_of(std::pair<std::uint64_t, Pid> key) const {
    std::lock_guard lock(mutex_);
    auto found = exits_.find(key);
    if (found == exits_.end()) {
        ADD_FAILURE() << "process " << key.second << " of VM " << key.first << " has not exited";
        return {};
    }
    return found->second;
}

std::string NetWorld::output_of(std::pair<std::uint64_t, Pid> key) const {
    NetExit exit = exit_of(key);
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    return exit.output;
}

}  // namespace luaos::test
