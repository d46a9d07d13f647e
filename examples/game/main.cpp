// A small game server on luaos: each player has a computer (a VM) that stays
// while idle, runs a shell, and reaches the game through host functions:
//   game.scan(direction)  immediate: answered inside the script's slice
//   game.price(item)      asynchronous: a database thread answers it later
// The shell runs the programs typed at it; what they print shows in the
// shell's own output, which the server reads after every tick, the way a
// terminal would. At the end the server destroys the players' computers.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <luaos/luaos.hpp>

namespace {

// The players' shell: reads a command line, runs it as a program, waits.
const char* const kShell = R"lua(
while true do
    local line = io.read()
    if line == nil then break end
    print("> " .. line)
    local command = os.parse_cmd(line)
    if command then
        local pid, why = os.spawn(command.program, command.args)
        if pid then os.wait(pid) else print("shell: " .. why) end
    end
end
)lua";

const char* const kScan = R"lua(
local found = game.scan(arg[1] or "here")
print(("%s: %d %s"):format(found.direction, found.amount, found.kind))
)lua";

const char* const kPrice = R"lua(
local ok, price = pcall(game.price, arg[1])
print(ok and ("%s sells for %d"):format(arg[1], price) or price)
)lua";

// The game's database, on a thread of its own: asynchronous calls queue here.
class Database {
public:
    Database() : thread_([this] { serve(); }) {}
    ~Database() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    void post(luaos::AsyncCall call) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(call));
        }
        wake_.notify_one();
    }

private:
    void serve() {
        const std::map<std::string, int> prices{{"ore", 12}, {"ice", 3}};
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            luaos::AsyncCall call = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            const std::string item = call.arg(0).is_nil() ? "" : call.arg(0).string();
            if (auto price = prices.find(item); price != prices.end()) {
                call.complete({price->second});
            } else {
                call.fail("no price for '" + item + "'");
            }
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<luaos::AsyncCall> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

struct RemovalLog : luaos::VmObserver {
    void on_vm_removed(const luaos::VirtualMachine& vm, luaos::VmRemoval why) override {
        std::cout << "computer " << vm.serial() << " removed ("
                  << (why == luaos::VmRemoval::Destroyed ? "destroyed" : "finished") << ")\n";
    }
};

struct Player {
    std::string name;
    std::vector<std::string> typed;
    luaos::VmHandle computer;
    luaos::Pid shell = 0;
    std::string screen;
};

}  // namespace

int main() {
    // The instruction-count mode makes every run print the same.
    luaos::Cluster cluster({.runtime = {.preemption = luaos::PreemptionMode::InstructionCount}});
    Database database;
    luaos::HostLibrary game("game");
    game.add("scan", [](luaos::HostCall& call) {
            const std::string direction = call.arg(0).string();
            call.push(luaos::HostValue::table({{"direction", direction},
                                               {"kind", "ore"},
                                               {"amount", static_cast<int>(direction.size() + call.pid())}}));
        })
        .add_async("price", [&database](luaos::AsyncCall call) { database.post(std::move(call)); });
    cluster.add_host_library(std::move(game));
    RemovalLog removals;
    cluster.set_vm_observer(&removals);

    std::vector<Player> players{{"ada", {"scan north", "price ore", "price gold", "dig"}},
                                {"bob", {"price ice", "scan up"}}};
    for (Player& player : players) {
        player.computer = cluster.create_vm({.keep_when_empty = true});
        luaos::Os& os = cluster.vm(player.computer).os();
        os.install_program("scan", kScan);
        os.install_program("price", kPrice);
        player.shell = os.spawn_process(kShell, "shell.lua").pid;
        for (const std::string& line : player.typed) os.write_stdin(player.shell, line);
        os.close_stdin(player.shell);  // the player logs off after these commands
    }
    // The game loop, a frame a millisecond (a game would pace it at its own
    // rate: Cluster::run does), until every shell has ended.
    for (int tick = 0; tick < 10000; ++tick) {
        cluster.tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        bool busy = false;
        for (Player& player : players) {
            luaos::Os& os = cluster.vm(player.computer).os();
            // Still readable in the tick the shell ended.
            player.screen += os.read_stdout(player.shell).value_or("");
            busy = busy || !os.processes().empty();
        }
        if (!busy) break;
    }
    for (Player& player : players) {
        std::cout << "== " << player.name << "'s screen\n" << player.screen;
        const bool kept = cluster.find_vm(player.computer) != nullptr;
        std::cout << "== " << player.name << "'s computer is " << (kept ? "idle, kept" : "gone") << "\n";
    }
    for (Player& player : players) cluster.destroy_vm(player.computer, "the server shuts down");
    try {
        cluster.vm(players[0].computer);
    } catch (const luaos::VmRemovedError& error) {
        std::cout << "using a destroyed computer: " << error.what() << "\n";
    }
}
