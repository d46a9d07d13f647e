#pragma once
// What a process has to say to the host: why it ended, what it printed that
// the host has not taken yet, how much of its output limit that used and how
// much it printed in all; and the memory errors it has run into lately.
// Kept apart from Process and created when first written
// (Process::ensure_text), so that a process that neither failed nor printed
// costs one null pointer for them.

#include <cstddef>
#include <cstdint>
#include <string>

namespace luaos {

struct ProcessText {
    std::string error;   // why it failed or was killed; while doomed, the doom's reason
    std::string traceback;  // Lua's stack traceback where its error ended it, if it did
    std::string output;  // kept with KernelOptions::keep_output
    // Counted against KernelOptions::output_limit: kept and not taken yet,
    // or, when output is only streamed, written within this slice.
    std::size_t output_pending = 0;
    bool output_truncated = false;  // the limit was reached: the rest is dropped
    std::uint64_t stdout_bytes = 0;  // accepted so far (ProcessStats::stdout_bytes)
    // Memory errors counted since the tick `memory_error_tick` (Process::note_memory_error).
    std::uint64_t memory_error_tick = 0;
    std::uint32_t memory_errors = 0;
    bool doom_explained = false;  // `error` leads with the error the script caught (Process::explain_doom)

    void restart_output_limit() {
        output_pending = 0;
        output_truncated = false;
    }
};

}  // namespace luaos
