#pragma once
// The kernel's settings: what a process may do, how its output is kept,
// where its random numbers start and what its VM's files may hold.
// They are per runtime (every Os on it shares them): a Cluster takes them in
// ClusterOptions::kernel, a stand-alone Runtime by set_kernel_options
// (luaos/os.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>

#include "luaos/file_limits.hpp"

namespace luaos {

// The process API's limits (docs/security.md), per VM or per process.
struct ProcessLimits {
    // Live processes per VM; os.spawn and os.spawn_source past it raise an error.
    std::uint32_t max_processes = 64;
    // Messages (os.send) waiting in one process's mailbox; past it, os.send
    // waits for room (or returns nil, "mailbox full" once its timeout passed).
    std::uint32_t mailbox_messages = 64;
    // Bytes of messages waiting in one mailbox (a message's encoded size); also
    // the largest single message.
    std::size_t mailbox_bytes = std::size_t{64} << 10;
    // Bytes of lines waiting on one process's stdin; also the longest line.
    std::size_t stdin_bytes = std::size_t{64} << 10;
    // Tables nested in one message.
    std::uint32_t message_depth = 16;
    // Bytes of arguments given to one spawn, and their count.
    std::size_t spawn_arg_bytes = std::size_t{64} << 10;
    std::uint32_t spawn_args = 256;
    // Asynchronous host calls (luaos/host_functions.hpp) a VM's processes may
    // have outstanding: made, and not yet completed, failed or dropped by the
    // host. A process waits for its call, so it holds one at most; the bound
    // is on those a VM's processes pile up on the host, e.g. by being killed
    // while the host works. Past it, the call raises an error.
    std::uint32_t host_calls = 64;
    // Bytes of unread output a VM keeps of its ended processes, for
    // os.read_stdout and Os::read_stdout after the end; past it, the oldest
    // is replaced by a line saying how much was dropped.
    std::size_t exit_output_bytes = std::size_t{1} << 20;
};

inline constexpr std::size_t kDefaultOutputLimit = std::size_t{1} << 20;

struct KernelOptions {
    // Bytes of output a process may have pending (printed and not yet taken
    // by the host, or within one slice when output is only streamed); the
    // overflow is dropped, with one marker line.
    std::size_t output_limit = kDefaultOutputLimit;
    // Whether a process keeps what it prints until the host takes it
    // (Process::output). A host that streams output through a
    // ProcessObserver can turn this off so that nothing accumulates.
    bool keep_output = true;
    // The process API's limits: processes per VM, mailboxes, stdin, messages.
    ProcessLimits process_limits{};
    // Where every process's math.random starts, mixed with its VM's serial
    // and its PID (a process's math.randomseed changes only its own). Unset:
    // 0 in the instruction-count mode, so that runs draw the same numbers;
    // in the deadline mode a value drawn once per host process.
    std::optional<std::uint64_t> random_seed{};
    // The file system's limits, per VM and per process (docs/storage.md).
    FileLimits file_limits{};
};

}  // namespace luaos
