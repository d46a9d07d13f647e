// What preemption costs in CPU, whole process against whole process: the
// `luaos` CLI running one CPU-bound script in the default deadline mode (with
// two workers and with one), against the standalone `lua5.4` running the same
// file, and against this program running the file in a bare lua_State of the
// library luaos links (liblua5.4.so: the standalone lua5.4 has its own copy of
// Lua built into it, whose code lies differently). Each run's user and system CPU seconds come from wait4(), the runs
// take turns, and each figure is the median of the rounds. While each run of
// the last round goes on, every thread's context switches are read from
// /proc/PID/task/*/status, so that a thread waking on its own (a watchdog,
// a worker waiting for the others) shows up as wake-ups per second.
// Then an idle server: VMs whose one process sleeps, paced at 60 ticks per
// second, as a share of one core.
//
// Signals are not counted here: wrap the run in
// `perf stat -e signal:signal_generate,signal:signal_deliver`.
//
// usage: [LUAOS_CLI=path/to/luaos] luaos_bench_cpu_cost [iterations] [rounds] [sleeping VMs]
//        luaos_bench_cpu_cost --raw FILE   (runs FILE in a bare lua_State: one of the variants)

#include <lua.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

#ifndef LUAOS_CLI_PATH
#error "LUAOS_CLI_PATH names the luaos binary"
#endif

struct ThreadSwitches {
    std::string name;
    long voluntary = 0;
    long involuntary = 0;
    long long cpu_ns = 0;  // time on a CPU, from schedstat
};

struct Usage {
    double user_s = 0;
    double sys_s = 0;
    double wall_s = 0;
    std::map<int, ThreadSwitches> threads;  // by thread id, as last seen
    std::map<int, ThreadSwitches> early;    // as first seen a second into the run
    double early_s = 0;                     // when that was
    double last_s = 0;                      // when the threads were last seen
    double cpu_s() const { return user_s + sys_s; }
};

double seconds(const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; }

std::string first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

long status_field(const std::string& path, const std::string& field) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + field.size());
    }
    return -1;
}

// Every thread of `pid` as it is now, over what was seen before.
void read_threads(pid_t pid, std::map<int, ThreadSwitches>& threads) {
    const std::string dir = "/proc/" + std::to_string(pid) + "/task";
    DIR* tasks = opendir(dir.c_str());
    if (tasks == nullptr) return;
    while (dirent* entry = readdir(tasks)) {
        if (entry->d_name[0] == '.') continue;
        const std::string task = dir + "/" + entry->d_name;
        const long voluntary = status_field(task + "/status", "voluntary_ctxt_switches:");
        const long involuntary = status_field(task + "/status", "nonvoluntary_ctxt_switches:");
        if (voluntary < 0 || involuntary < 0) continue;  // gone meanwhile
        ThreadSwitches& seen = threads[std::atoi(entry->d_name)];
        seen.name = first_line(task + "/comm");
        seen.voluntary = voluntary;
        seen.involuntary = involuntary;
        std::ifstream(task + "/schedstat") >> seen.cpu_ns;
    }
    closedir(tasks);
}

// Runs `argv` with its output thrown away; its CPU from wait4().
Usage run(const std::vector<std::string>& argv, bool watch_threads, bool must_succeed = true) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
        std::fprintf(stderr, "cannot run %s\n", args[0]);
        std::exit(1);
    }
    posix_spawn_file_actions_destroy(&actions);
    Usage usage;
    int status = 0;
    rusage resources{};
    for (;;) {
        const pid_t done = wait4(pid, &status, watch_threads ? WNOHANG : 0, &resources);
        if (done == pid) break;
        read_threads(pid, usage.threads);
        const double now = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        usage.last_s = now;
        if (usage.early.empty() && now >= 1.0) {
            usage.early = usage.threads;
            usage.early_s = now;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    usage.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!WIFEXITED(status) || (must_succeed && WEXITSTATUS(status) != 0)) {
        std::fprintf(stderr, "%s failed\n", args[0]);
        std::exit(1);
    }
    usage.user_s = seconds(resources.ru_utime);
    usage.sys_s = seconds(resources.ru_stime);
    return usage;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string write_script(const std::string& name, const std::string& code) {
    const std::string path = "/tmp/luaos_bench_cpu_cost_" + std::to_string(getpid()) + "_" + name;
    std::ofstream(path) << code;
    return path;
}

void print_threads(const char* name, const Usage& usage) {
    std::printf("  %s, context switches per second of wall time, by thread:\n", name);
    for (const auto& [tid, thread] : usage.threads) {
        std::printf("    %-16s %8.0f voluntary %8.0f involuntary\n", thread.name.c_str(),
                    double(thread.voluntary) / usage.wall_s, double(thread.involuntary) / usage.wall_s);
    }
}

}  // namespace

int run_raw(const char* file) {
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    const int status = luaL_dofile(L, file);
    if (status != LUA_OK) std::fprintf(stderr, "%s\n", lua_tostring(L, -1));
    lua_close(L);
    return status == LUA_OK ? 0 : 1;
}

int main(int argc, char** argv) {
    if (argc == 3 && std::string(argv[1]) == "--raw") return run_raw(argv[2]);
    const long iterations = argc > 1 ? std::atol(argv[1]) : 1'000'000'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    const long sleepers = argc > 3 ? std::atol(argv[3]) : 10'000;
    const std::string loop =
        write_script("loop.lua", "local s = 0\nfor i = 1, " + std::to_string(iterations) + " do s = s + i end\nprint(s)\n");
    // LUAOS_CLI names another build's binary, to measure it with this one's bench.
    const char* other_cli = std::getenv("LUAOS_CLI");
    const std::string cli = other_cli != nullptr ? other_cli : LUAOS_CLI_PATH;
    struct Variant {
        const char* name;
        std::vector<std::string> argv;
        std::vector<Usage> runs;
    };
    std::vector<Variant> variants = {
        {"lua5.4", {"lua5.4", loop}, {}},
        {"liblua5.4.so, bare", {"/proc/self/exe", "--raw", loop}, {}},
        {"luaos run (2 workers)", {cli, "run", "--ticks", "100000000", "--threads", "2", loop}, {}},
        {"luaos run --threads 1", {cli, "run", "--ticks", "100000000", "--threads", "1", loop}, {}},
    };
    for (int round = 0; round < rounds; ++round) {
        for (Variant& variant : variants) variant.runs.push_back(run(variant.argv, round == rounds - 1));
    }

    std::printf("one CPU-bound process, %ld additions; medians of %d rounds, the runs taking turns\n", iterations,
                rounds);
    std::printf("%-24s %8s %8s %8s %8s %10s %10s\n", "", "wall s", "user s", "sys s", "CPU s", "wall vs", "CPU vs");
    auto pick = [](const Variant& variant, double (*field)(const Usage&)) {
        std::vector<double> values;
        for (const Usage& usage : variant.runs) values.push_back(field(usage));
        return median(values);
    };
    auto wall = [](const Usage& u) { return u.wall_s; };
    auto user = [](const Usage& u) { return u.user_s; };
    auto sys = [](const Usage& u) { return u.sys_s; };
    auto cpu = [](const Usage& u) { return u.cpu_s(); };
    const double raw_wall = pick(variants[0], wall);
    const double raw_cpu = pick(variants[0], cpu);
    for (const Variant& variant : variants) {
        std::printf("%-24s %8.3f %8.3f %8.3f %8.3f %9.3fx %9.3fx\n", variant.name, pick(variant, wall),
                    pick(variant, user), pick(variant, sys), pick(variant, cpu), pick(variant, wall) / raw_wall,
                    pick(variant, cpu) / raw_cpu);
    }
    const double lib_cpu = pick(variants[1], cpu);
    std::printf("against liblua5.4.so, bare: luaos run (2 workers) %.3fx, --threads 1 %.3fx CPU\n",
                pick(variants[2], cpu) / lib_cpu, pick(variants[3], cpu) / lib_cpu);
    std::printf("the CPU ratio of each round (luaos 2 workers, 1 worker, against that round's lua5.4):\n");
    for (int round = 0; round < rounds; ++round) {
        std::printf("  %.3fx %.3fx\n", variants[2].runs[round].cpu_s() / variants[0].runs[round].cpu_s(),
                    variants[3].runs[round].cpu_s() / variants[0].runs[round].cpu_s());
    }
    for (std::size_t i = 2; i < variants.size(); ++i) print_threads(variants[i].name, variants[i].runs.back());

    if (sleepers > 0) {
        const std::string sleeper = write_script("sleep.lua", "os.sleep(math.maxinteger)\n");
        constexpr int kTicks = 300;  // five seconds at 60 per second
        // The tick limit ends it, which the CLI reports as a failure.
        const Usage idle = run({cli, "run", "--vms", std::to_string(sleepers), "--tps", "60", "--ticks",
                                std::to_string(kTicks), sleeper},
                               true, false);
        // From a second in (the VMs made and asleep) to the last look.
        // (A run too short for that shows 0.)
        long long early_ns = 0;
        long long late_ns = 0;
        for (const auto& [tid, thread] : idle.early) early_ns += thread.cpu_ns;
        for (const auto& [tid, thread] : idle.threads) late_ns += thread.cpu_ns;
        std::printf("\n%ld VMs whose process sleeps, %d ticks at 60 per second: %.3f s wall, %.3f s CPU "
                    "in all; once asleep (from %.2f s to its end) %.2f%% of a core\n",
                    sleepers, kTicks, idle.wall_s, idle.cpu_s(), idle.early_s,
                    100 * double(late_ns - early_ns) * 1e-9 / std::max(idle.last_s - idle.early_s, 1e-9));
        print_threads("sleeping VMs", idle);
        std::remove(sleeper.c_str());
    }
    std::remove(loop.c_str());
    return 0;
}
