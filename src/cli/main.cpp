// luaos: the command-line front end. `luaos run [OPTIONS] FILE...` runs each
// FILE as a process of one or more simulated VMs (README.md, "The CLI").
// `luaos serve --nats URL` runs a node driven over NATS (docs/serve.md).

#include <exception>
#include <iostream>

#include "cli/exit_status.hpp"
#include "cli/options.hpp"
#include "cli/run.hpp"
#include "cli/scripts.hpp"
#include "cli/serve.hpp"

int main(int argc, char** argv) {
    using namespace luaos::cli;
    try {
        ParsedCommandLine parsed = parse_command_line(argc, argv, std::cout, std::cerr);
        if (parsed.serve) return serve_command(*parsed.serve);
        if (!parsed.command) return parsed.exit_code;
        std::vector<Script> scripts;
        std::vector<std::shared_ptr<const luaos::Program>> programs;
        try {
            programs = read_programs(parsed.command->programs, parsed.command->dialect);
            scripts = read_scripts(parsed.command->files);
        } catch (const UnreadableScript& error) {
            std::cerr << "luaos: " << error.what() << '\n';
            return kExitUsage;
        }
        return run_command(*parsed.command, scripts, programs);
    } catch (const std::exception& error) {
        // The host itself failed (e.g. out of memory): no report can be trusted.
        std::cerr << "luaos: fatal: " << error.what() << '\n';
        return kExitFailure;
    }
}
