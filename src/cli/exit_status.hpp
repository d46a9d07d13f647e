#pragma once
// The exit statuses of `luaos run`, fixed by the CLI's contract (README.md,
// "The CLI"), and the rule that picks one after a run.

#include "luaos/process.hpp"

namespace luaos::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;    // a process failed or was killed (or the engine itself failed)
inline constexpr int kExitUsage = 2;      // bad command line: nothing ran
inline constexpr int kExitTickLimit = 3;  // the tick limit stopped processes still running

// Whether a process's end makes the whole run fail.
inline bool ended_badly(ProcessStatus status) {
    return status == ProcessStatus::Failed || status == ProcessStatus::Killed;
}

// A failure outranks the tick limit: it is the more urgent news. A signal
// that stopped the run (`interrupted_by`, 0 for none) outranks both: who
// pressed Ctrl-C expects 130 (128 + the signal's number, as shells report it).
inline int exit_status(bool any_ended_badly, bool hit_tick_limit, int interrupted_by = 0) {
    if (interrupted_by != 0) return 128 + interrupted_by;
    if (any_ended_badly) return kExitFailure;
    return hit_tick_limit ? kExitTickLimit : kExitOk;
}

}  // namespace luaos::cli
