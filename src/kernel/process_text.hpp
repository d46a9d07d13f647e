#pragma once
// What a process has to say to the host: why it ended and what it printed
// that the host has not taken yet. Kept apart from Process and created when
// first written (Process::ensure_text), so that a process that neither failed
// nor kept any output costs one null pointer for them.

#include <string>

namespace luaos {

struct ProcessText {
    std::string error;   // why it failed or was killed; while doomed, the doom's reason
    std::string output;  // kept with RuntimeOptions::keep_output
};

}  // namespace luaos
