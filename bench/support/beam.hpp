#pragma once
// Erlang/BEAM (erlang-base from Debian) as a baseline for what a process
// costs: the figures come from an `erl` run started from here, so that they
// are measured on the same machine in the same run.

#include <cstdio>
#include <string>

namespace luaos::bench {

struct BeamFigures {
    bool available = false;
    double spawn_us = 0;         // per spawn of a process waiting in receive
    double bytes_per_process = 0;  // erlang:memory(processes) / processes
    double round_trip_us = 0;    // a message to an echo process and back
};

inline BeamFigures beam_figures(long processes) {
    const std::string program =
        "N = " + std::to_string(processes) +
        ", Wait = fun() -> receive stop -> ok end end, "
        "Before = erlang:memory(processes), "
        "{T, _} = timer:tc(fun() -> [spawn(Wait) || _ <- lists:seq(1, N)] end), "
        "Mem = erlang:memory(processes) - Before, "
        "Echo = spawn(fun E() -> receive {P, M} -> P ! M, E() end end), "
        "R = 200000, "
        "{T2, _} = timer:tc(fun() -> [begin Echo ! {self(), x}, receive x -> ok end end || _ <- lists:seq(1, R)] end), "
        "io:format(\"~f ~f ~f~n\", [T / N, Mem / N, T2 / R]), halt().";
    const std::string command = "erl +P 2000000 -noshell -eval '" + program + "' 2>/dev/null";
    BeamFigures figures;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return figures;
    figures.available =
        std::fscanf(pipe, "%lf %lf %lf", &figures.spawn_us, &figures.bytes_per_process, &figures.round_trip_us) == 3;
    pclose(pipe);
    return figures;
}

}  // namespace luaos::bench
