// The host's side of the process API: programs, spawn, kill, status and
// exit events, as a game server would wire a terminal to a process.

#include <gtest/gtest.h>

#include "kernel/kernel_access.hpp"
#include "kernel/process_api_state.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(HostApi, ProgramsInstallReplaceAndRemove) {
    Harness h;
    EXPECT_EQ(h.os.find_program("hello"), nullptr);
    h.os.install_program("hello", "print('v1')");
    h.os.install_program("hello", "print('v2', ...)", "bin/hello.lua");
    auto program = h.os.find_program("hello");
    ASSERT_NE(program, nullptr);
    EXPECT_EQ(program->chunk_name, "bin/hello.lua");
    SpawnResult result = h.os.spawn_program("hello", {.args = {"a"}});
    ASSERT_TRUE(result.ok());
    h.run();
    EXPECT_EQ(h.exit_of(result.pid).output, "v2\ta\n");
    EXPECT_TRUE(h.os.remove_program("hello"));
    EXPECT_FALSE(h.os.remove_program("hello"));
    SpawnResult missing = h.os.spawn_program("hello");
    EXPECT_EQ(missing.pid, 0u);
    EXPECT_EQ(missing.error, "no program named 'hello'");
}

TEST(HostApi, ProgramsCanBeSharedBetweenVms) {
    Runtime runtime;
    Os a(runtime);
    Os b(runtime);
    auto program = std::make_shared<const Program>(Program{"p", "print(1)", ""});
    a.install_program(program);
    b.install_program(program);
    EXPECT_EQ(a.find_program("p").get(), b.find_program("p").get());
}

TEST(HostApi, KillFromTheHost) {
    Harness h;
    Pid pid = h.spawn("while true do os.sleep(1) end");
    h.tick();
    EXPECT_TRUE(h.os.kill(pid, "shut down by the game"));
    EXPECT_FALSE(h.os.kill(pid));
    EXPECT_EQ(h.os.state(pid), ProcessState::Killed);
    EXPECT_TRUE(h.os.has_runnable()) << "the end is reported at the next tick";
    h.tick();
    Exit exit = h.exit_of(pid);
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_EQ(exit.error, "shut down by the game");
    EXPECT_EQ(h.os.state(pid), ProcessState::Killed);
    EXPECT_EQ(h.os.exit_code(pid), kExitFailed);
    EXPECT_FALSE(h.os.kill(99));
}

TEST(HostApi, ExitEventsQueueWhenAskedFor) {
    Harness h;
    h.os.keep_exit_events(true);
    h.spawn("os.exit(4)");
    h.spawn("error('bad')");
    h.run();
    std::vector<ExitEvent> events = h.os.take_exit_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].pid, 1u);
    EXPECT_EQ(events[0].status, ProcessStatus::Finished);
    EXPECT_EQ(events[0].exit_code, 4);
    EXPECT_EQ(events[1].status, ProcessStatus::Failed);
    EXPECT_EQ(events[1].exit_code, 1);
    EXPECT_NE(events[1].error.find("bad"), std::string::npos);
    EXPECT_TRUE(h.os.take_exit_events().empty());
}

TEST(HostApi, ExitEventsAreOffByDefault) {
    Harness h;
    h.spawn("");
    h.run();
    EXPECT_TRUE(h.os.take_exit_events().empty());
}

TEST(HostApi, OnlyTheLastExitsAreRemembered) {
    Harness h;
    for (std::size_t i = 0; i < Os::kRecentExits + 5; ++i) h.spawn("");
    h.run();
    EXPECT_EQ(h.os.state(1), ProcessState::NotFound);
    EXPECT_EQ(h.os.state(Os::kRecentExits + 5), ProcessState::Finished);
    EXPECT_EQ(h.os.exit_code(1), std::nullopt);
}

TEST(HostApi, TerminalWiring) {
    // A game server's terminal: lines typed go to stdin, output comes back.
    Harness h;
    Pid pid = h.spawn("while true do local l = io.read() if not l then break end print('> ' .. l:upper()) end");
    std::string screen;
    for (const char* typed : {"ls", "cat x"}) {
        h.os.write_stdin(pid, typed);
        h.tick();
        screen += *h.os.read_stdout(pid);
    }
    h.os.close_stdin(pid);
    h.run();
    EXPECT_EQ(screen, "> LS\n> CAT X\n");
    EXPECT_EQ(h.exit_of(pid).status, ProcessStatus::Finished);
}

// An observer that kills another process while hearing of an exit: that
// end is reported too, at the next tick, not lost.
TEST(HostApi, KillFromAnExitCallbackIsReported) {
    Harness h;
    struct KillOnExit : ExitRecorder {
        Os* os = nullptr;
        void on_exit(const Process& process) override {
            ExitRecorder::on_exit(process);
            if (process.pid() == 1) os->kill(2, "collateral");
        }
    } recorder;
    recorder.os = &h.os;
    h.runtime.set_observer(&recorder);
    h.spawn("");
    h.spawn("os.sleep(100)");
    h.tick();
    h.tick();
    EXPECT_EQ(recorder.exits().size(), 2u);
    EXPECT_EQ(recorder.of(2).status, ProcessStatus::Killed);
    EXPECT_TRUE(h.os.is_finished());
}

TEST(HostApi, StateNames) {
    EXPECT_STREQ(state_name(ProcessState::Running), "running");
    EXPECT_STREQ(state_name(ProcessState::Sleeping), "sleeping");
    EXPECT_STREQ(state_name(ProcessState::NotFound), "not_found");
    // The CLI's JSON vocabulary is unchanged: alive is "running".
    EXPECT_STREQ(status_name(ProcessStatus::Ready), "running");
}

TEST(HostApi, AnIdleProcessStaysSmall) {
    Harness h;
    Pid pid = h.spawn("coroutine.yield()");
    EXPECT_EQ(KernelAccess::api_state(*h.os.find(pid)), nullptr) << "the process API's state is created on first use";
    h.tick();
    EXPECT_EQ(KernelAccess::api_state(*h.os.find(pid)), nullptr);
}

TEST(HostApi, ASleeperOrReaderHasNoQueues) {
    Harness h;
    Pid sleeper = h.spawn("os.sleep(10)");
    Pid reader = h.spawn("io.read()");
    h.tick();
    ASSERT_NE(KernelAccess::api_state(*h.os.find(sleeper)), nullptr);
    EXPECT_EQ(KernelAccess::api_state(*h.os.find(sleeper))->buffers, nullptr);
    EXPECT_EQ(KernelAccess::api_state(*h.os.find(reader))->buffers, nullptr);
    h.os.write_stdin(reader, "x");
    EXPECT_NE(KernelAccess::api_state(*h.os.find(reader))->buffers, nullptr);
}

}  // namespace
}  // namespace luaos::test
