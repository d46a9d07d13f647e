#pragma once
// What the processes of a node's VMs do, gathered for the VMs' event
// subjects: spawns, output and exits as the workers report them (on their
// threads, hence the lock), taken on the tick thread after each tick.
//
// A VM's output is bounded per tick (ServiceLimits::event_output_bytes):
// what a VM prints beyond it in one tick is not sent, and one
// "output_dropped" event counts the bytes, so a chatty script cannot make
// the node publish without end.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "luaos/observer.hpp"
#include "service/subjects.hpp"

namespace luaos::service {

struct VmEvent {
    enum class Kind : std::uint8_t { Spawn, Output, OutputDropped, Exit, VmRemoved };
    Kind kind = Kind::Output;
    VmId vm = 0;
    Pid pid = 0;
    Pid parent = 0;                                 // Spawn
    std::string text;                               // Output: the bytes; Spawn, Exit: the name; VmRemoved: why
    std::uint64_t bytes = 0;                        // OutputDropped
    ProcessStatus status = ProcessStatus::Finished;  // Exit
    int exit_code = 0;                              // Exit
    std::string error;                              // Exit
};

class EventStream : public ProcessObserver {
public:
    explicit EventStream(std::size_t output_bytes_per_tick) : output_bytes_per_tick_(output_bytes_per_tick) {}

    void on_spawn(const Process& process) override;
    void on_output(const Process& process, std::string_view text) override;
    void on_exit(const Process& process) override;
    // The tick thread: a VM left the cluster.
    void vm_removed(VmId vm, std::string reason);
    // The tick thread: every event since the last call, in the order they
    // happened within each VM; the output budgets start again.
    std::vector<VmEvent> take();

private:
    void add(VmEvent event);

    const std::size_t output_bytes_per_tick_;
    std::mutex mutex_;
    std::vector<VmEvent> events_;
    struct OutputBudget {
        std::size_t sent = 0;
        std::uint64_t dropped = 0;
        Pid last_dropped_pid = 0;
    };
    std::unordered_map<VmId, OutputBudget> budgets_;  // this tick's, per VM that printed
};

}  // namespace luaos::service
