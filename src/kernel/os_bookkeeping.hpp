#pragma once
// An Os's bookkeeping for the process API: the processes woken for the next
// tick, those ended and not yet reaped, the timers of sleeps and receives,
// the exit records (recent exits, exit events, programs), and the counters of
// processes already removed (src/kernel/scheduler.hpp tells the cycle).
// Created on first use (Os::bookkeeping()): an Os whose processes only
// compute costs one null pointer for it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernel/os_files.hpp"
#include "luaos/os.hpp"
#include "kernel/vm_service.hpp"
#include "luaos/usage_counters.hpp"

namespace luaos {

struct ProcessBuffers;

// A sleep's end or a receive's timeout. Timers are a binary min-heap on the
// tick: the scheduler looks only at the earliest, so sleepers cost nothing
// per tick. A process woken for another reason leaves its timer behind, stale
// (its generation no longer matches); stale timers are dropped when they come
// due, or all at once when they outnumber live ones.
struct Timer {
    std::uint64_t tick = 0;
    Pid pid = 0;
    std::uint32_t generation = 0;
};

struct RecentExit {
    Pid pid = 0;
    ProcessState state = ProcessState::NotFound;
    int exit_code = 0;
    std::string output;  // printed and not taken yet (Os::read_stdout, os.read_stdout)
    std::size_t output_dropped = 0;  // bytes of it dropped to keep within ProcessLimits::exit_output_bytes
};

// What a VM remembers and offers: programs, recent exits, exit events.
struct OsRecords {
    std::vector<std::shared_ptr<const Program>> programs;
    std::vector<RecentExit> recent;  // a ring of Os::kRecentExits
    std::size_t recent_next = 0;
    std::size_t recent_output_bytes = 0;  // of all recent exits' output, within ProcessLimits::exit_output_bytes
    bool keep_events = false;
    std::vector<ExitEvent> events;
    // Host libraries of this VM only (Os::add_host_library), and the registry
    // reference of the table of their views that spawns copy into globals.
    std::vector<std::shared_ptr<const HostLibrary>> libraries;
    int libraries_ref = -2;  // LUA_NOREF
};

struct OsBookkeeping {
    std::vector<Process*> woken;  // runnable from the next tick, in no order
    std::vector<Pid> ended;       // ended since the last reap, to report and remove
    std::vector<Timer> timers;    // min-heap on tick
    std::size_t live_timers = 0;
    std::unique_ptr<OsRecords> records;  // created on first use too
    std::unique_ptr<VmService> network;  // the VM's network endpoint (src/net), once it has one
    std::unique_ptr<OsFiles> files;      // attached, or made on first use (kernel/os_files.hpp)
    // VmStats's part that live processes no longer hold: the counters of
    // those removed, and turns sat out (rare: only slices that overran).
    UsageCounters ended_usage;
    std::uint64_t ended_stdout_bytes = 0;
    std::uint64_t turns_sat_out = 0;
    // Asynchronous host calls of this VM's processes that the host has not
    // completed, failed or dropped yet (ProcessLimits::host_calls); shared
    // with the calls, which the host may hold after the VM is gone.
    std::shared_ptr<std::atomic<std::uint32_t>> host_calls_outstanding;

    OsRecords& ensure_records() {
        if (!records) records = std::make_unique<OsRecords>();
        return *records;
    }
    void add_timer(std::uint64_t tick, Pid pid, std::uint32_t generation);
    // Pops the earliest timer if due at `now`.
    bool pop_due(std::uint64_t now, Timer& timer);
    void timer_went_stale();
    // Remembers an ended process, keeping the recent exits' output within
    // `output_limit` bytes: past it, the oldest output is dropped, and reads
    // as one line saying how much.
    void remember_exit(RecentExit exit, std::size_t output_limit);
    const RecentExit* recent_exit(Pid pid) const;
    // Takes the unread output of a remembered exit; nullopt if none is remembered.
    std::optional<std::string> take_exit_output(Pid pid, std::size_t output_limit);
};

// A live process of `os` (not ended), or null.
Process* live_process(const Os& os, Pid pid);

// Puts an encoded message (kernel/message_copy.hpp) in the mailbox of `to`,
// within ProcessLimits, and wakes it if it waits in os.receive. `bytes` is
// moved from only when delivered.
Delivery deliver_message(Os& os, Pid to, Pid from, std::string& bytes);

// Wakes the processes waiting in os.send for room in `buffers`' mailbox.
void wake_blocked_senders(Os& os, ProcessBuffers& buffers);

}  // namespace luaos
