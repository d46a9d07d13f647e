#pragma once
// The FILEs of `luaos run`, read once before any VM exists.

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "luaos/os.hpp"

namespace luaos::cli {

struct Script {
    std::string path;  // as given on the command line: the process's chunk name
    std::string code;  // the file's bytes, unaltered
};

// "cannot read FILE: reason": a usage error, since nothing has run yet.
class UnreadableScript : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads every path in order; throws UnreadableScript at the first that cannot
// be read (missing, a directory, no permission, ...).
std::vector<Script> read_scripts(const std::vector<std::string>& paths);

// Reads the FILE of every --program NAME=FILE, in order, the same way; a
// FILE ending .luau is Luau, the others are in `dialect` (--dialect).
std::vector<std::shared_ptr<const Program>> read_programs(
    const std::vector<std::pair<std::string, std::string>>& programs, Dialect dialect);

}  // namespace luaos::cli
