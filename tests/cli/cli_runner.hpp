#pragma once
// Runs the built `luaos` binary as the CLI's external tests do: a child
// process, with its stdout, stderr and exit status captured.

#include <string>
#include <vector>

namespace luaos::cli_test {

struct CliResult {
    int exit_code = -1;  // -1 when the child did not exit normally (e.g. a signal)
    std::string out;
    std::string err;
};

// `args` excludes the program name; `working_dir` empty keeps the test's.
CliResult run_luaos(const std::vector<std::string>& args, const std::string& working_dir = {});

// The absolute path of a script under tests/cli/scripts.
std::string script(const std::string& name);
std::string scripts_dir();

}  // namespace luaos::cli_test
