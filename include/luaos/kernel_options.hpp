#pragma once
// The kernel's settings: what a process may do and how its output is kept.
// They are per runtime (every Os on it shares them): a Cluster takes them in
// ClusterOptions::kernel, a stand-alone Runtime by set_kernel_options
// (luaos/os.hpp).

#include <cstddef>
#include <cstdint>

namespace luaos {

// The process API's limits (docs/security.md), per VM or per process.
struct ProcessLimits {
    // Live processes per VM; os.spawn and os.spawn_source past it raise an error.
    std::uint32_t max_processes = 64;
    // Messages (os.send) waiting in one process's mailbox; past it, send returns false.
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
};

}  // namespace luaos
