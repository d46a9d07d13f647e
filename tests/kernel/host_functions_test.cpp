// Host functions: libraries for every VM or one VM, both kinds, copies by
// the message rules, errors, cancellation and the bound on outstanding calls.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <tuple>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

// The immediate functions most tests use; `calls` records who called.
struct Game {
    std::vector<std::pair<VmHandle, Pid>> callers;
    HostLibrary library{"game"};
    Game() {
        library.add("add", [](HostCall& call) { call.push(call.arg(0).integer() + call.arg(1).integer()); })
            .add("scan", [this](HostCall& call) {
                callers.emplace_back(call.vm(), call.pid());
                call.push(HostValue::table({{"name", "ore"}, {"amount", 3}, {"at", HostValue::list({1.5, 2.5})}}));
                call.push(true);
            })
            .add("echo", [](HostCall& call) {
                for (const HostValue& value : call.args()) call.push(value);
            })
            .add("boom", [](HostCall&) { throw std::runtime_error("the reactor overheated"); })
            .add("odd", [](HostCall&) { throw 42; });
    }
};

// Runs `code` as the only process of a fresh cluster's VM with `game`
// installed, and returns its exit.
Exit run_with_game(const char* code, RuntimeOptions options = {}) {
    Cluster cluster({.runtime = options});
    Game game;
    cluster.add_host_library(std::move(game.library));
    ExitRecorder exits;
    cluster.set_observer(&exits);
    Pid pid = cluster.create_vm().os().spawn_process(code, "script.lua").pid;
    cluster.run({.max_ticks = 100});
    return exits.of(pid);
}

TEST(HostFunctions, AnImmediateCallReturnsItsResults) {
    Exit exit = run_with_game(
        "local t, ok = game.scan() print(game.add(2, 40), t.name, t.amount, t.at[1], t.at[2], ok, math.type(t.amount))");
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "42\tore\t3\t1.5\t2.5\ttrue\tinteger\n");
}

TEST(HostFunctions, TheHostKnowsTheVmAndProcess) {
    Cluster cluster;
    Game game;
    auto& callers = game.callers;
    cluster.add_host_library(std::move(game.library));
    VmHandle first = cluster.create_vm(VmOptions{});
    VmHandle second = cluster.create_vm(VmOptions{});
    cluster.vm(first).os().spawn_process("os.yield() game.scan()", "a.lua");
    cluster.vm(second).os().spawn_process("game.scan()", "b.lua");
    cluster.vm(second).os().spawn_process("os.yield() os.yield() game.scan()", "c.lua");
    cluster.run({.max_ticks = 10});
    ASSERT_EQ(callers.size(), 3u);
    EXPECT_EQ(callers[0], std::make_pair(second, Pid{1}));
    EXPECT_EQ(callers[1], std::make_pair(first, Pid{1}));
    EXPECT_EQ(callers[2], std::make_pair(second, Pid{2}));
}

TEST(HostFunctions, ArgumentsAndResultsAreCopies) {
    Exit exit = run_with_game(
        "local t = {1, {x = 'deep'}, k = true} local u = game.echo(t) "
        "assert(u ~= t and u[2] ~= t[2]) u[2].x = 'changed' print(t[2].x, u[1], u.k, select('#', game.echo(nil, 1, nil)))");
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "deep\t1\ttrue\t3\n");
}

TEST(HostFunctions, WhatCannotBeSentCannotBePassed) {
    EXPECT_NE(run_with_game("game.echo(1, print)").error.find("game.echo: argument 2: cannot pass a function"),
              std::string::npos);
    EXPECT_NE(run_with_game("local t = {} t.t = t game.echo(t)").error.find("game.echo: argument 1: cannot send a table that contains itself"),
              std::string::npos);
    EXPECT_NE(run_with_game("game.echo(string.rep('x', 70000))").error.find("game.echo: arguments too large"),
              std::string::npos);
    EXPECT_NE(run_with_game("local t = {} for i = 1, 20 do t = {t} end game.echo(t)").error.find("nested too deeply"),
              std::string::npos);
}

TEST(HostFunctions, LibrariesAreReadOnly) {
    EXPECT_NE(run_with_game("game.add = print").error.find("read-only"), std::string::npos);
    EXPECT_NE(run_with_game("rawset(game, 'add', print)").error.find("read-only"), std::string::npos);
    EXPECT_EQ(run_with_game("local n = 0 for k in pairs(game) do n = n + 1 end print(n)").output, "5\n");
}

TEST(HostFunctions, AThrowingHostFunctionIsALuaError) {
    Exit exit = run_with_game(
        "print(pcall(game.boom)) print(pcall(game.odd)) print(pcall(game.add, 'x', 1)) error(select(2, pcall(game.boom)), 0)");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.output,
              "false\tgame.boom: the reactor overheated\n"
              "false\tgame.odd: the host function threw an exception that is not a std::exception\n"
              "false\tgame.add: an integer expected, got string\n");
    EXPECT_EQ(exit.error, "game.boom: the reactor overheated");
}

TEST(HostFunctions, CopiesAreChargedToTheCpuBudget) {
    Exit exit = run_with_game("local s = string.rep('x', 5000) game.echo(s)",
                              {.preemption = PreemptionMode::InstructionCount, .cpu_budget = 2000});
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
}

TEST(HostFunctions, LuauProcessesSeeTheLibraryToo) {
    Cluster cluster;
    Game game;
    cluster.add_host_library(std::move(game.library));
    ExitRecorder exits;
    cluster.set_observer(&exits);
    Pid pid = cluster.create_vm().os().spawn_process("print(game.add(1, 2))", "x.luau", Dialect::Luau).pid;
    cluster.run({.max_ticks = 10});
    EXPECT_EQ(exits.of(pid).output, "3\n");
}

TEST(HostFunctions, ALibraryForOneVmOnly) {
    Cluster cluster({.threads = 2});
    ExitRecorder exits;
    cluster.set_observer(&exits);
    VmHandle with = cluster.create_vm(VmOptions{});
    VmHandle without = cluster.create_vm(VmOptions{});
    HostLibrary door("door");
    bool opened = false;
    door.add("open", [&](HostCall& call) {
        opened = true;
        call.push("opened by " + std::to_string(call.pid()));
    });
    cluster.vm(with).os().add_host_library(std::move(door));
    Pid a = cluster.vm(with).os().spawn_process("print(door.open()) print(os.wait(os.spawn_source('os.exit(door and 7 or 0)')))", "a.lua").pid;
    cluster.vm(without).os().spawn_process("os.sleep(5)", "first.lua");  // ends after a, which the recorder finds first
    Pid b = cluster.vm(without).os().spawn_process("print(door)", "b.lua").pid;
    cluster.run({.max_ticks = 10});
    EXPECT_EQ(exits.of(a).output, "opened by 1\n7\n") << exits.of(a).error;
    EXPECT_EQ(exits.of(b).output, "nil\n");
    EXPECT_TRUE(opened);
}

TEST(HostFunctions, BadLibrariesAreRefused) {
    EXPECT_THROW(HostLibrary(""), std::invalid_argument);
    EXPECT_THROW(HostLibrary("9lives"), std::invalid_argument);
    EXPECT_THROW(HostLibrary("a.b"), std::invalid_argument);
    HostLibrary library("ok_name");
    EXPECT_THROW(library.add("with space", [](HostCall&) {}), std::invalid_argument);
    EXPECT_THROW(library.add("f", ImmediateHostFunction{}), std::invalid_argument);
    EXPECT_THROW(library.add_async("g", AsyncHostFunction{}), std::invalid_argument);
    library.add("f", [](HostCall&) {});
    EXPECT_THROW(library.add_async("f", [](AsyncCall) {}), std::invalid_argument);
    Cluster cluster;
    EXPECT_THROW(cluster.add_host_library(HostLibrary("os")), std::invalid_argument);
    EXPECT_THROW(cluster.add_host_library(HostLibrary("print")), std::invalid_argument);
    cluster.add_host_library(HostLibrary("mine"));
    EXPECT_THROW(cluster.add_host_library(HostLibrary("mine")), std::invalid_argument);
    Os& os = cluster.create_vm().os();
    EXPECT_THROW(os.add_host_library(HostLibrary("string")), std::invalid_argument);
    EXPECT_THROW(os.add_host_library(HostLibrary("mine")), std::invalid_argument);
    os.add_host_library(HostLibrary("vm_only"));
    EXPECT_THROW(os.add_host_library(HostLibrary("vm_only")), std::invalid_argument);
}

TEST(HostValues, AccessorsCheckTheType) {
    HostValue number = 2.0;
    EXPECT_EQ(number.integer(), 2);
    EXPECT_THROW(HostValue(2.5).integer(), std::invalid_argument);
    EXPECT_THROW(HostValue("x").number(), std::invalid_argument);
    EXPECT_THROW(HostValue().string(), std::invalid_argument);
    EXPECT_THROW(HostValue(1).entries(), std::invalid_argument);
    EXPECT_THROW(HostValue(true)["k"], std::invalid_argument);
    HostValue table = HostValue::table({{"a", 1}, {HostValue(), 2}, {"b", HostValue()}});
    EXPECT_EQ(table.entries().size(), 1u) << "nil keys and values are left out";
    EXPECT_EQ(table["a"], HostValue(1));
    EXPECT_TRUE(table["zz"].is_nil());
    EXPECT_EQ(HostValue::list({"x"})[1.0], HostValue("x"));
    EXPECT_STREQ(host_type_name(HostValue::Type::Table), "table");
}

// HostValue keeps one of its kinds at a time (a union): copies, moves and
// assignments between kinds keep values whole, including an assignment from
// a part of the value assigned to.
TEST(HostValues, CopiesMovesAndAssignmentsKeepTheValue) {
    const std::string long_text(100, 'x');  // past the short-string buffer
    HostValue table = HostValue::table({{"inner", HostValue::list({long_text, 2.5})}, {"n", 7}});
    std::vector<HostValue> values{nullptr, true, 42, 2.5, "short", long_text, table};
    for (const HostValue& value : values) {
        HostValue copy = value;
        EXPECT_EQ(copy, value);
        HostValue moved = std::move(copy);
        EXPECT_EQ(moved, value);
        for (const HostValue& other : values) {
            HostValue assigned = other;
            assigned = value;
            EXPECT_EQ(assigned, value);
            HostValue source = value;
            assigned = other;
            assigned = std::move(source);
            EXPECT_EQ(assigned, value);
        }
    }
    // The only owner of its table takes a part of it (ASan sees a use after free otherwise).
    HostValue only = HostValue::list({HostValue::list({long_text})});
    only = only[1];
    EXPECT_EQ(only, HostValue::list({long_text}));
    only = only[1];
    EXPECT_EQ(only, HostValue(long_text));
    HostValue& self = only;
    only = self;
    only = std::move(self);
    EXPECT_EQ(only, HostValue(long_text));
    EXPECT_EQ(table["inner"][1], HostValue(long_text)) << "copies share a table that never changes";
}

// --- asynchronous calls -----------------------------------------------------

// A host thread serving game.fetch: doubles its argument, or fails on 0.
class FetchServer {
public:
    FetchServer() : thread_([this] { serve(); }) {}
    ~FetchServer() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        thread_.join();
    }
    void post(AsyncCall call) {
        {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(call));
        }
        wake_.notify_one();
    }
    std::atomic<int> served{0};

private:
    void serve() {
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            AsyncCall call = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            const std::int64_t n = call.arg(0).integer();
            if (n == 0) {
                call.fail("nothing at 0");
            } else {
                call.complete({n * 2, call.function()});
            }
            ++served;
            lock.lock();
        }
    }
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<AsyncCall> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

TEST(HostFunctions, AnAsyncCallIsServedByAHostThread) {
    Cluster cluster({.threads = 2});
    FetchServer server;
    HostLibrary game("game");
    game.add_async("fetch", [&](AsyncCall call) { server.post(std::move(call)); });
    cluster.add_host_library(std::move(game));
    ExitRecorder exits;
    cluster.set_observer(&exits);
    std::vector<Pid> pids;
    for (int i = 0; i < 4; ++i) {
        pids.push_back(cluster.create_vm().os().spawn_process(
            "local co = coroutine.wrap(function() return game.fetch(21) end) "
            "print(co()) print(pcall(game.fetch, 0))", "f.lua").pid);
    }
    // Paced, so that the server thread gets a CPU however busy the machine.
    const RunStats stats = cluster.run({.max_ticks = 20000, .ticks_per_second = 1000});
    EXPECT_FALSE(stats.hit_tick_limit);
    for (Pid pid : pids) {
        Exit exit = exits.of(pid);
        EXPECT_EQ(exit.output, "42\tgame.fetch\nfalse\tgame.fetch: nothing at 0\n") << exit.error;
    }
    EXPECT_EQ(server.served, 8);
}

// Holds every call it is given, for the test to complete or drop.
struct Holder {
    std::vector<AsyncCall> calls;
    HostLibrary library{"game"};
    Holder() {
        library.add_async("hold", [this](AsyncCall call) { calls.push_back(std::move(call)); });
    }
};

// A cluster whose `game.hold` the test answers, with every exit recorded.
struct HeldCalls {
    Holder holder;
    std::vector<AsyncCall>& calls = holder.calls;
    Cluster cluster;
    ExitRecorder exits;
    explicit HeldCalls(ClusterOptions options = {}) : cluster(options) {
        cluster.add_host_library(std::move(holder.library));
        cluster.set_observer(&exits);
    }
    std::tuple<std::vector<AsyncCall>&, Cluster&, ExitRecorder&> parts() { return {calls, cluster, exits}; }
};

TEST(HostFunctions, AnAsyncCallWaitsAndResumesOnALaterTick) {
    HeldCalls held;
    auto [calls, cluster, exits] = held.parts();
    VmHandle vm = cluster.create_vm(VmOptions{});
    Pid pid = cluster.vm(vm).os().spawn_process("print(game.hold('a', {1})) print('after')", "h.lua").pid;
    cluster.tick();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].vm(), vm);
    EXPECT_EQ(calls[0].pid(), pid);
    EXPECT_EQ(calls[0].args()[1][1], HostValue(1));
    EXPECT_EQ(cluster.vm(vm).os().state(pid), ProcessState::Waiting);
    for (int i = 0; i < 3; ++i) cluster.tick();
    EXPECT_EQ(cluster.awake_vm_count(), 0u) << "a VM waiting for the host costs no tick";
    EXPECT_TRUE(calls[0].complete({"done", 7}));
    EXPECT_FALSE(calls[0].complete({"again"})) << "a call completes once";
    EXPECT_FALSE(calls[0].cancelled());
    cluster.tick();
    EXPECT_EQ(exits.of(pid).output, "done\t7\nafter\n");
}

TEST(HostFunctions, AKilledProcessCancelsItsCall) {
    HeldCalls held;
    auto [calls, cluster, exits] = held.parts();
    VmHandle vm = cluster.create_vm({.keep_when_empty = true});
    Os& os = cluster.vm(vm).os();
    Pid waiter = os.spawn_process("game.hold() print('resumed')", "w.lua").pid;
    os.spawn_process("os.yield() os.kill(1)", "killer.lua");
    cluster.tick();
    ASSERT_EQ(calls.size(), 1u);
    cluster.tick();
    cluster.tick();
    EXPECT_EQ(exits.of(waiter).status, ProcessStatus::Killed);
    EXPECT_TRUE(calls[0].cancelled());
    EXPECT_FALSE(calls[0].complete({1}));
    cluster.tick();
    EXPECT_EQ(exits.of(waiter).output, "") << "a cancelled call resumes nothing";
    // The same when the VM is destroyed under a waiting call.
    os.spawn_process("game.hold()", "w2.lua");
    cluster.tick();
    ASSERT_EQ(calls.size(), 2u);
    ASSERT_TRUE(cluster.destroy_vm(vm));
    EXPECT_TRUE(calls[1].cancelled());
    EXPECT_FALSE(calls[1].fail("too late"));
    cluster.tick();
}

TEST(HostFunctions, ADroppedCallIsAnErrorInTheScript) {
    Cluster cluster;
    HostLibrary game("game");
    game.add_async("forget", [](AsyncCall) {});
    game.add_async("throws", [](AsyncCall) { throw std::runtime_error("no route"); });
    cluster.add_host_library(std::move(game));
    ExitRecorder exits;
    cluster.set_observer(&exits);
    Pid pid = cluster.create_vm().os().spawn_process("print(pcall(game.forget)) print(pcall(game.throws))", "d.lua").pid;
    cluster.run({.max_ticks = 10});
    EXPECT_EQ(exits.of(pid).output, "false\tgame.forget: the host dropped the call\nfalse\tgame.throws: no route\n");
}

TEST(HostFunctions, AnAsyncCallCannotWaitWhereLuaCannotYield) {
    HeldCalls held;
    auto [calls, cluster, exits] = held.parts();
    Pid pid = cluster.create_vm().os().spawn_process(
        "table.sort({1, 2, 3}, function(a, b) game.hold() return a < b end)", "s.lua").pid;
    cluster.run({.max_ticks = 10});
    EXPECT_NE(exits.of(pid).error.find("game.hold cannot wait here"), std::string::npos) << exits.of(pid).error;
    EXPECT_TRUE(calls.empty());
}

// A hostile VM spawns children that call and are killed while the host
// holds their calls: past the limit its calls fail, other VMs' do not.
TEST(HostFunctions, OutstandingCallsPerVmAreBounded) {
    KernelOptions kernel;
    kernel.process_limits.host_calls = 4;
    HeldCalls held({.kernel = kernel});
    auto [calls, cluster, exits] = held.parts();
    Pid hostile = cluster.create_vm().os().spawn_process(
        "for i = 1, 10 do local pid = os.spawn_source('game.hold()') os.yield() os.yield() os.kill(pid) end "
        "print(pcall(game.hold))", "hostile.lua").pid;
    cluster.run({.max_ticks = 100});
    Exit exit = exits.of(hostile);
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "false\tgame.hold: too many host calls outstanding in this VM (the limit is 4)\n");
    EXPECT_EQ(calls.size(), 4u);
    std::size_t killed = 0;
    std::size_t refused = 0;
    for (const Exit& child : exits.exits()) {
        killed += child.status == ProcessStatus::Killed ? 1 : 0;
        refused += child.error.find("too many host calls outstanding") != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(killed, 4u) << "killed while waiting: cancelled, but held by the host";
    EXPECT_EQ(refused, 6u);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_TRUE(calls[i].cancelled());
    // Another VM still calls; and the hostile VM may again once the host lets go.
    Pid other = cluster.create_vm().os().spawn_process("game.hold()", "other.lua").pid;
    cluster.tick();
    EXPECT_EQ(calls.size(), 5u);
    calls.back().complete();
    cluster.tick();
    EXPECT_EQ(exits.of(other).status, ProcessStatus::Finished);
}

TEST(HostFunctions, AsyncNeedsAClusterToDeliver) {
    Harness h;
    HostLibrary game("game");
    game.add_async("fetch", [](AsyncCall call) { call.complete(); });
    h.os.add_host_library(std::move(game));
    Pid pid = h.spawn("game.fetch()");
    h.run();
    EXPECT_NE(h.exit_of(pid).error.find("game.fetch: asynchronous host functions need a Cluster"), std::string::npos);
}

}  // namespace
}  // namespace luaos::test
