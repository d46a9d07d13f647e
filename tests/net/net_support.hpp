#pragma once
// Test support for the network: a cluster whose VMs have addresses, and a
// record of how every process of every VM ended.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "luaos/luaos.hpp"

namespace luaos::test {

struct NetExit {
    ProcessStatus status = ProcessStatus::Ready;
    std::string error;
    std::string output;
    std::uint64_t tick = 0;  // the cluster tick it ended in (1-based)
};

class NetWorld : private ProcessObserver {
public:
    explicit NetWorld(ClusterOptions options = {});
    ~NetWorld();
    // A new VM with the address 10.0.0.<n> where n is its serial + 1, unless `addressed` is false.
    VirtualMachine& add_vm(bool addressed = true);
    // Spawns `code` on `vm`; returns (serial, pid).
    std::pair<std::uint64_t, Pid> spawn(VirtualMachine& vm, std::string_view code);
    void tick();
    // Ticks until no VM is left or `max_ticks` ran; returns the ticks run.
    std::uint64_t run(std::uint64_t max_ticks = 2000);
    // How process `key` ended; a test failure (and an empty exit) if it did not.
    NetExit exit_of(std::pair<std::uint64_t, Pid> key) const;
    // The output of a process that must have finished.
    std::string output_of(std::pair<std::uint64_t, Pid> key) const;

    Cluster cluster;

private:
    void on_exit(const Process& process) override;

    mutable std::mutex mutex_;
    std::map<std::pair<std::uint64_t, Pid>, NetExit> exits_;
};

// 10.0.0.1 + offset.
NetAddress net_address(std::uint32_t offset);

}  // namespace luaos::test
