// Runs one hostile script beside bystanders and checks that it is contained.
//
// usage: luaos_hostile_runner SCRIPT.lua|SCRIPT.luau deadline|count
//   (a .luau script runs as Luau; the second argument is the preemption mode)
//
// The script's leading comment says what containment is expected:
//   -- expect: killed | failed | finished | running
//   -- error: text the process's error must contain          (optional)
//   -- stdout-contains: text its output must contain          (optional)
//   -- stdout-max: N   its output may be at most N bytes      (optional)
//   -- options: quantum=N cpu=N memory=SIZE output=SIZE ticks=N  (optional;
//      quantum applies to the count mode;
//      engine defaults otherwise, 200 ticks)
//
// VM 0 runs the script as pid 1 and a bystander as pid 2; VM 1 runs another
// bystander. Whatever the script does, both bystanders must finish with their
// libraries and globals intact, and the run must end (CTest's timeout turns a
// hang into a failure).

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include "luaos/luaos.hpp"

namespace {

constexpr const char* kBystander = R"(
local n = 0
for i = 1, 30 do
    n = n + i
    coroutine.yield()
end
assert(secret == nil, "a global leaked into the bystander")
assert(string.upper("a") == "A" and math.pi > 3.14 and math.max(1, 2) == 2, "library tampered with")
assert(type(print) == "function" and type(string.format) == "function", "library tampered with")
assert(("abc"):len() == 3 and getmetatable("") ~= nil, "string metatable tampered with")
print("bystander ok " .. n)
)";
constexpr const char* kBystanderOutput = "bystander ok 465\n";

struct Expectation {
    std::string status;
    std::string error;
    std::string stdout_contains;
    std::size_t stdout_max = 0;
    std::uint64_t ticks = 200;
};

struct Outcome {
    std::string status = "running";
    std::string error;
    std::string output;
};

std::size_t parse_size(const std::string& text) {
    std::size_t value = std::stoull(text);
    switch (text.back()) {
        case 'K': return value << 10;
        case 'M': return value << 20;
        case 'G': return value << 30;
        default: return value;
    }
}

void apply_option(const std::string& option, luaos::ClusterOptions& cluster, Expectation& expect) {
    auto eq = option.find('=');
    if (eq == std::string::npos) throw std::runtime_error("bad option: " + option);
    std::string name = option.substr(0, eq);
    std::string value = option.substr(eq + 1);
    luaos::RuntimeOptions& runtime = cluster.runtime;
    if (name == "quantum") runtime.quantum = static_cast<std::uint32_t>(std::stoul(value));
    else if (name == "cpu") runtime.cpu_budget = std::stoull(value);
    else if (name == "memory") runtime.memory_limit = parse_size(value);
    else if (name == "output") cluster.kernel.output_limit = parse_size(value);
    else if (name == "cap") cluster.memory_cap = parse_size(value);
    else if (name == "ticks") expect.ticks = std::stoull(value);
    else throw std::runtime_error("unknown option: " + name);
}

void read_header(const std::string& code, luaos::ClusterOptions& cluster, Expectation& expect) {
    std::istringstream lines(code);
    for (std::string line; std::getline(lines, line) && line.rfind("--", 0) == 0;) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(3, colon - 3);
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (key == "expect") expect.status = value;
        else if (key == "error") expect.error = value;
        else if (key == "stdout-contains") expect.stdout_contains = value;
        else if (key == "stdout-max") expect.stdout_max = std::stoull(value);
        else if (key == "options") {
            std::istringstream options(value);
            for (std::string option; options >> option;) apply_option(option, cluster, expect);
        }
    }
    if (expect.status.empty()) throw std::runtime_error("the script has no '-- expect:' line");
}

class Recorder : public luaos::ProcessObserver {
public:
    void on_exit(const luaos::Process& process) override {
        std::lock_guard lock(mutex_);
        Outcome& outcome = outcomes_[{process.os().vm()->serial(), process.pid()}];
        outcome.status = luaos::status_name(process.status());
        outcome.error = process.error();
        outcome.output = process.output();
    }
    Outcome get(std::uint64_t vm, luaos::Pid pid) {
        std::lock_guard lock(mutex_);
        return outcomes_[{vm, pid}];
    }

private:
    std::mutex mutex_;
    std::map<std::pair<std::uint64_t, luaos::Pid>, Outcome> outcomes_;
};

bool check(bool ok, const std::string& what) {
    if (!ok) std::cerr << "FAILED: " << what << "\n";
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc == 3 ? argv[2] : "";
    if (argc != 3 || (mode != "deadline" && mode != "count")) {
        std::cerr << "usage: luaos_hostile_runner SCRIPT.lua|SCRIPT.luau deadline|count\n";
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    std::ostringstream contents;
    contents << file.rdbuf();
    if (!file) {
        std::cerr << "cannot read " << argv[1] << "\n";
        return 2;
    }
    const std::string code = contents.str();

    luaos::ClusterOptions options;
    // Every script runs in both preemption modes: the fast one must contain
    // it exactly as the deterministic one does.
    if (mode == "count") options.runtime.preemption = luaos::PreemptionMode::InstructionCount;
    Expectation expect;
    read_header(code, options, expect);

    Recorder recorder;
    luaos::Cluster cluster(options);
    cluster.set_observer(&recorder);
    luaos::VirtualMachine& target = cluster.create_vm();
    const std::string path = argv[1];
    const bool luau = path.size() > 5 && path.compare(path.size() - 5, 5, ".luau") == 0;
    target.os().spawn_process(code, path, luau ? luaos::Dialect::Luau : luaos::Dialect::Lua);
    target.os().spawn_process(kBystander, "bystander.lua");
    cluster.create_vm().os().spawn_process(kBystander, "bystander.lua");
    luaos::RunStats stats = cluster.run({.max_ticks = expect.ticks});

    Outcome hostile = recorder.get(0, 1);
    if (hostile.status == "running") {
        cluster.for_each_vm([&](luaos::VirtualMachine& vm) {
            if (luaos::Process* process = vm.serial() == 0 ? vm.os().find(1) : nullptr) hostile.output = process->output();
        });
    }
    std::cout << "status: " << hostile.status << "\nerror: " << hostile.error << "\nstdout bytes: "
              << hostile.output.size() << "\nticks: " << stats.ticks << "\n";

    bool ok = true;
    ok &= check(hostile.status == expect.status, "status is " + hostile.status + ", expected " + expect.status);
    ok &= check(hostile.error.find(expect.error) != std::string::npos, "error lacks '" + expect.error + "'");
    ok &= check(hostile.output.find(expect.stdout_contains) != std::string::npos,
                "stdout lacks '" + expect.stdout_contains + "'");
    if (expect.stdout_max != 0) {
        ok &= check(hostile.output.size() <= expect.stdout_max, "stdout larger than " + std::to_string(expect.stdout_max));
    }
    for (std::uint64_t vm : {0, 1}) {
        Outcome bystander = recorder.get(vm, vm == 0 ? 2 : 1);
        ok &= check(bystander.status == "finished" && bystander.output == kBystanderOutput,
                    "bystander in VM " + std::to_string(vm) + " ended " + bystander.status + ": " + bystander.error +
                        bystander.output);
    }
    return ok ? 0 : 1;
}
