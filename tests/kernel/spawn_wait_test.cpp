// The process API, part one: identity, arguments, programs, spawn, status,
// wait, kill and exit (docs/process-api.md).

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(SpawnWait, GetpidAndGetppid) {
    Harness h;
    h.os.install_program("child", "print(os.getpid(), os.getppid())");
    Pid parent = h.spawn("print(os.getpid(), os.getppid()) local pid = os.spawn('child') print(os.wait(pid))");
    h.run();
    EXPECT_EQ(h.exit_of(parent).output, "1\t0\n2\t1\n0\n") << "a child prints into its parent's output";
    EXPECT_EQ(h.exit_of(2).output, "");
}

// A script that never names `...` is compiled without varargs
// (runtime/chunk_cache.hpp): its arguments still reach it through `arg`.
TEST(SpawnWait, ArgumentsArriveAsDotsAndArg) {
    Harness h;
    h.os.install_program("echo", "print(select('#', ...), ...) print(arg[0], #arg, arg[1], arg[2])");
    h.os.install_program("nodots", "print(arg[0], #arg, arg[1], arg[2])");
    Pid parent = h.spawn("os.wait(os.spawn('echo', {'a b', 42})) os.wait(os.spawn('nodots', {'c', 7}))");
    h.run();
    EXPECT_EQ(h.exit_of(parent).output, "2\ta b\t42\necho\t2\ta b\t42\nnodots\t2\tc\t7\n");
}

TEST(SpawnWait, HostSpawnWithArgumentsAndParent) {
    Harness h;
    SpawnOptions options;
    options.args = {"x", "y"};
    options.parent = 7;
    SpawnResult result = h.os.spawn_process("print(..., arg[0], os.getppid())", "host.lua", options);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(h.os.find(result.pid)->parent(), 7u);
    h.run();
    EXPECT_EQ(h.exit_of(result.pid).output, "x\thost.lua\t7\n");
}

TEST(SpawnWait, PlainHostSpawnHasNoArgTable) {
    EXPECT_EQ(output_of("print(arg, select('#', ...))"), "nil\t0\n");
}

TEST(SpawnWait, SpawnSourceRunsInlineCode) {
    Harness h;
    Pid parent = h.spawn(R"lua(
        local pid = os.spawn_source("print('child says', ...) os.exit(3)", {"hi"})
        print(os.wait(pid))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(parent).output, "child says\thi\n3\n");
}

// A spawn that does not compile makes no process: the parent gets nil and
// the error; no PID is used, nothing is reported.
TEST(SpawnWait, UnknownProgramAndCompileErrorAreReturnedAndMakeNoProcess) {
    Harness h;
    h.os.install_program("broken", "x = = 1");
    Pid parent = h.spawn(R"lua(
        print(os.spawn("nope"))
        print(os.spawn("broken"))
        print(os.spawn_source("if"))
        print(os.spawn_source("x = = 1"))
        print(os.spawn_source("print('child')"))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(parent).status, ProcessStatus::Finished) << h.exit_of(parent).error;
    EXPECT_EQ(h.exit_of(parent).output,
              "nil\tno program named 'nope'\n"
              "nil\tbroken:1: unexpected symbol near '='\n"
              "nil\tspawn_source:1: unexpected symbol near <eof>\n"
              "nil\tspawn_source:1: unexpected symbol near '='\n"
              "2\n");
    const std::vector<Exit> exits = h.recorder.exits();
    ASSERT_EQ(exits.size(), 2u);
    for (const Exit& exit : exits) EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.pid << ": " << exit.error;
    EXPECT_EQ(h.os.stats().processes_spawned, 2u);
}

TEST(SpawnWait, WaitReturnsTheExitStatusOfEachEnding) {
    Harness h;
    Pid parent = h.spawn(R"lua(
        local ok = os.spawn_source("coroutine.yield()")
        local code = os.spawn_source("os.exit(42)")
        local failed = os.spawn_source("error('boom')")
        local killed = os.spawn_source("while true do end")
        print(os.status(killed))
        os.kill(killed)
        print(os.wait(ok), os.wait(code), os.wait(failed), os.wait(killed))
        print(os.status(ok), os.status(code), os.status(failed), os.status(killed), os.status(99))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(parent).output, "running\n0\t42\t1\t1\nfinished\tfinished\tfailed\tkilled\tnot_found\n");
    EXPECT_EQ(h.exit_of(5).status, ProcessStatus::Killed);
    EXPECT_EQ(h.exit_of(5).error, "killed by process 1");
}

TEST(SpawnWait, StatusShowsSleepingAndWaiting) {
    Harness h;
    Pid watcher = h.spawn(R"lua(
        local sleeper = os.spawn_source("os.sleep(5)")
        local reader = os.spawn_source("io.read()")
        os.yield() os.yield()
        print(os.status(sleeper), os.status(reader), os.status(os.getpid()))
        os.close_stdin(reader)
        print(os.wait(sleeper), os.wait(reader))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(watcher).output, "sleeping\twaiting\trunning\n0\t0\n");
}

TEST(SpawnWait, WaitingCostsNoSlices) {
    Harness h;
    Pid parent = h.spawn("os.wait(os.spawn_source('for i = 1, 20 do os.yield() end'))");
    h.run();
    // The child yields 20 times from tick 2 and returns in tick 22; the
    // parent, woken by its end, collects the status in tick 23.
    EXPECT_EQ(h.exit_of(2).tick, 22u);
    EXPECT_EQ(h.exit_of(parent).tick, 23u);
}

TEST(SpawnWait, WaitingForItselfOrNobodyIsAnError) {
    EXPECT_NE(run_script("os.wait(os.getpid())").error.find("cannot wait for itself"), std::string::npos);
    EXPECT_EQ(output_of("print(os.wait(12))"), "nil\tno such process\n");
}

TEST(SpawnWait, WaitInsideCoroutineSuspendsTheWholeProcess) {
    Harness h;
    Pid parent = h.spawn(R"lua(
        local child = os.spawn_source("os.sleep(3) os.exit(9)")
        local co = coroutine.wrap(function() return os.wait(child) end)
        print(co())
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(parent).output, "9\n");
}

TEST(SpawnWait, BlockingWhereNothingCanYieldIsAClearError) {
    Exit exit = run_script("table.sort({3, 2, 1}, function(a, b) os.sleep(1) return a < b end)");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_NE(exit.error.find("os.sleep cannot wait here"), std::string::npos) << exit.error;

    Exit nested = run_script(R"lua(
        table.sort({3, 2, 1}, function(a, b)
            local ok, err = coroutine.resume(coroutine.create(function() os.receive() end))
            error(err)
        end)
    )lua");
    EXPECT_NE(nested.error.find("os.receive cannot wait inside a coroutine"), std::string::npos) << nested.error;
}

TEST(SpawnWait, ExitEndsOnlyTheCallerAndCannotBeCaught) {
    Harness h;
    Pid quitter = h.spawn("pcall(os.exit, 5) print('not reached')");
    Pid other = h.spawn("coroutine.yield() print('still here')");
    h.run();
    EXPECT_EQ(h.exit_of(quitter).status, ProcessStatus::Finished);
    EXPECT_EQ(h.exit_of(quitter).output, "");
    EXPECT_EQ(h.exit_of(quitter).error, "");
    EXPECT_EQ(h.os.exit_code(quitter), 5);
    EXPECT_EQ(h.exit_of(other).output, "still here\n");
}

TEST(SpawnWait, ExitCodes) {
    EXPECT_EQ(run_script("os.exit()").status, ProcessStatus::Finished);
    Harness h;
    Pid a = h.spawn("os.exit(true)");
    Pid b = h.spawn("os.exit(false)");
    Pid c = h.spawn("os.exit(-2)");
    h.run();
    EXPECT_EQ(h.os.exit_code(a), 0);
    EXPECT_EQ(h.os.exit_code(b), 1);
    EXPECT_EQ(h.os.exit_code(c), -2);
}

TEST(SpawnWait, KillItselfEndsAsKilled) {
    Exit exit = run_script("pcall(os.kill, os.getpid()) print('no')");
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_EQ(exit.output, "");
    EXPECT_EQ(exit.error, "killed by itself");
}

TEST(SpawnWait, KillASleeperEndsItAtOnce) {
    Harness h;
    Pid killer = h.spawn(R"lua(
        local sleeper = os.spawn_source("os.sleep(1000000)")
        os.yield()
        print(os.kill(sleeper), os.kill(sleeper), os.wait(sleeper))
    )lua");
    EXPECT_LT(h.run(), 10u);
    EXPECT_EQ(h.exit_of(killer).output, "true\tnil\t1\n");
}

TEST(SpawnWait, ProcessLimitIsAClearError) {
    KernelOptions options;
    options.process_limits.max_processes = 3;
    Exit exit = run_script("for i = 1, 10 do os.spawn_source('os.sleep(10)') end", {}, options);
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_NE(exit.error.find("os.spawn_source: the VM's limit of 3 processes is reached"), std::string::npos)
        << exit.error;
}

TEST(SpawnWait, ProcessLimitCountsLiveProcessesOnly) {
    // Killed children no longer count, though they are reported only at the
    // end of the tick: never more than two are alive here.
    KernelOptions options;
    options.process_limits.max_processes = 4;
    Exit exit = run_script(R"(
        for i = 1, 200 do
            local pid = os.spawn_source("while true do end")
            assert(os.kill(pid))
        end
        print('spawned 200')
    )", {}, options);
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "spawned 200\n");
}

TEST(SpawnWait, ChildrenSpawnedDuringATickRunFromTheNext) {
    Harness h;
    h.spawn("os.spawn_source('print(\"child\")') print('parent')");
    h.tick();
    EXPECT_EQ(h.exit_of(1).output, "parent\n");
    EXPECT_EQ(h.os.state(2), ProcessState::Running);
    h.tick();
    EXPECT_EQ(h.exit_of(2).output, "child\n");
    EXPECT_EQ(h.exit_of(2).tick, 2u);
}

TEST(SpawnWait, ShellParsesSpawnsAndWaits) {
    Harness h;
    h.os.install_program("greet",
                         "local named = os.parse_cmd('greet ' .. table.concat(arg, ' ')).args "
                         "print('hello ' .. named.name .. ' x' .. named.times) os.exit(tonumber(named.times))");
    Pid shell = h.spawn(R"lua(
        local cmd = os.parse_cmd('greet name=Ada times=3')
        local pid = assert(os.spawn(cmd.program, cmd.args))
        print('exit ' .. os.wait(pid))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(shell).output, "hello Ada x3\nexit 3\n");
}

// Luau processes get the same API; a program keeps its dialect, and inline
// code is in the dialect of the process that spawns it.
TEST(SpawnWait, LuauProcessesUseTheApiToo) {
    Harness h;
    h.os.install_program(std::make_shared<const Program>(
        Program{"typed", "local n: number = tonumber(arg[1]) :: number\nprint(`typed {n + 1}`)", "", Dialect::Luau}));
    SpawnResult parent = h.os.spawn_process(R"lua(
        local a: number = os.wait(os.spawn("typed", {41}))
        local b: number = os.wait(os.spawn_source("local s: string = ... os.exit(#s)", {"four"}))
        io.write(`{a} {b} {os.getpid()}\n`)
    )lua", "shell.luau", Dialect::Luau);
    ASSERT_TRUE(parent.ok()) << parent.error;
    h.run();
    EXPECT_EQ(h.exit_of(parent.pid).output, "typed 42\n0 4 1\n") << h.exit_of(parent.pid).error;
}

class BadArgument : public testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(BadArgument, IsAClearLuaError) {
    Exit exit = run_script(GetParam().first);
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_NE(exit.error.find(GetParam().second), std::string::npos) << GetParam().first << " -> " << exit.error;
}

INSTANTIATE_TEST_SUITE_P(
    ProcessApi, BadArgument,
    testing::Values(std::pair{"os.spawn()", "bad argument #1 to 'os.spawn' (string expected, got no value)"},
                    std::pair{"os.spawn_source('', 5)", "bad argument #2 to 'os.spawn_source' (table expected"},
                    std::pair{"os.spawn_source('', {{}})", "spawn argument 1 is a table"},
                    std::pair{"os.status('x')", "bad argument #1 to 'os.status' (number expected, got string)"},
                    std::pair{"os.status(1.5)", "number has no integer representation"},
                    std::pair{"os.wait(-1)", "bad argument #1 to 'os.wait' (not a process id)"},
                    std::pair{"os.kill(0)", "bad argument #1 to 'os.kill' (not a process id)"},
                    std::pair{"os.kill(2^40)", "(not a process id)"},
                    std::pair{"os.sleep(-1)", "bad argument #1 to 'os.sleep' (ticks must not be negative)"},
                    std::pair{"os.sleep('soon')", "bad argument #1 to 'os.sleep'"},
                    std::pair{"os.exit({})", "bad argument #1 to 'os.exit'"},
                    std::pair{"os.exit(2^40)", "exit code out of range"},
                    std::pair{"os.write_stdin(1)", "bad argument #2 to 'os.write_stdin' (string expected"},
                    std::pair{"os.write_stdin(1, {})", "bad argument #2 to 'os.write_stdin'"},
                    std::pair{"os.close_stdin('x')", "bad argument #1 to 'os.close_stdin'"},
                    std::pair{"os.read_stdout()", "bad argument #1 to 'os.read_stdout'"},
                    std::pair{"os.send(1)", "bad argument #2 to 'os.send' (value expected)"},
                    std::pair{"os.send(1, print)", "os.send: cannot send a function"},
                    std::pair{"os.send(1, {[{}] = 1})", "table keys must be booleans, numbers or strings"},
                    std::pair{"os.send(1, coroutine.create(print))", "cannot send a thread"},
                    std::pair{"os.receive('x')", "bad argument #1 to 'os.receive'"},
                    std::pair{"os.receive(-1)", "bad argument #1 to 'os.receive' (timeout must not be negative)"},
                    std::pair{"os.parse_cmd()", "bad argument #1 to 'os.parse_cmd'"},
                    std::pair{"io.read('n')", "bad argument #1 to 'io.read' (invalid format"},
                    std::pair{"io.read({})", "bad argument #1 to 'io.read'"},
                    std::pair{"io.write({})", "bad argument #1 to 'io.write'"}));

// Called through pcall, or under another name, a function still names itself:
// Lua's own way finds no name for a function called from C.
TEST(BadArgumentNames, TheFunctionHoweverItIsCalled) {
    EXPECT_EQ(output_of(R"(
        print(pcall(os.kill, 0))
        print(pcall(os.wait, 0))
        print(pcall(os.sleep, -1))
        print(pcall(os.status))
        print(pcall(os.receive, -1))
        print(pcall(os.send, 0, 1))
        print(pcall(os.write_stdin, 0, 'x'))
        print(pcall(os.spawn_source))
        print(pcall(io.read, 'n'))
        local kill = os.kill
        print(pcall(function() kill(0) end))
    )"),
              "false\tbad argument #1 to 'os.kill' (not a process id)\n"
              "false\tbad argument #1 to 'os.wait' (not a process id)\n"
              "false\tbad argument #1 to 'os.sleep' (ticks must not be negative)\n"
              "false\tbad argument #1 to 'os.status' (number expected, got no value)\n"
              "false\tbad argument #1 to 'os.receive' (timeout must not be negative)\n"
              "false\tbad argument #1 to 'os.send' (not a process id)\n"
              "false\tbad argument #1 to 'os.write_stdin' (not a process id)\n"
              "false\tbad argument #1 to 'os.spawn_source' (string expected, got no value)\n"
              "false\tbad argument #1 to 'io.read' (invalid format (luaos's stdin reads lines: 'l' or 'L'))\n"
              "false\ttest.lua:12: bad argument #1 to 'os.kill' (not a process id)\n");
}

}  // namespace
}  // namespace luaos::test
