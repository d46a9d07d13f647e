// I/O that loses nothing: a child's output in its parent's, output readable
// after the end, exit events carrying it, and os.send waiting for room.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(ChildOutput, GoesIntoTheParentsOutputByDefault) {
    Harness h;
    struct Lines : ExitRecorder {
        std::vector<std::pair<Pid, std::string>> heard;
        void on_output(const Process& process, std::string_view text) override {
            heard.emplace_back(process.pid(), std::string(text));
        }
    } lines;
    h.runtime.set_observer(&lines);
    h.os.install_program("hello", "print('hello from ' .. os.getpid()) io.write('no newline')");
    Pid shell = h.spawn("print('$ hello') os.wait(os.spawn('hello')) print('') print('$ done')");
    h.run();
    EXPECT_EQ(lines.of(shell).output, "$ hello\nhello from 2\nno newline\n$ done\n");
    EXPECT_EQ(lines.of(2).output, "");
    for (const auto& [pid, text] : lines.heard) EXPECT_EQ(pid, shell) << text;
}

TEST(ChildOutput, GrandchildrenReachTheShellToo) {
    Harness h;
    Pid shell = h.spawn("os.wait(os.spawn_source(\"os.wait(os.spawn_source('print(3)')) print(2)\")) print(1)");
    h.run();
    EXPECT_EQ(h.exit_of(shell).output, "3\n2\n1\n");
}

TEST(ChildOutput, APipeIsReadWithReadStdoutEvenAfterTheEnd) {
    std::string out = output_of(
        "local pid = os.spawn_source('print(\"piped\") print(\"twice\")', nil, {stdout = 'pipe'}) "
        "os.wait(pid) print((os.read_stdout(pid):gsub('\\n', '|'))) print(os.read_stdout(pid) == '') "
        "print(os.read_stdout(99))");
    EXPECT_EQ(out, "piped|twice|\ntrue\nnil\tno such process\n");
}

TEST(ChildOutput, AnOrphansOutputIsItsOwn) {
    Harness h;
    h.spawn("os.spawn_source('os.yield() print(\"late\")')");
    h.run();
    EXPECT_EQ(h.exit_of(2).output, "late\n");
}

TEST(ChildOutput, BadSpawnOptionsAreErrors) {
    EXPECT_NE(run_script("os.spawn_source('', nil, {stdout = 'file'})").error.find("os.spawn_source: stdout must be 'parent' or 'pipe'"),
              std::string::npos);
    EXPECT_NE(run_script("os.spawn_source('', nil, 5)").error.find("table expected"), std::string::npos);
    Harness h;
    h.os.install_program("p", "");
    Pid pid = h.spawn("os.spawn('p', {}, {stdout = true})");
    h.run();
    EXPECT_NE(h.exit_of(pid).error.find("os.spawn: stdout must be 'parent' or 'pipe'"), std::string::npos);
}

// The loss: a host reading stdout after each tick missed whatever a
// process printed in the tick it ended.
TEST(ExitOutput, OutputOfAProcessThatEndedMidTickIsStillReadable) {
    Harness h;
    h.os.keep_exit_events(true);
    Pid pid = h.spawn("print('last words')");
    h.tick();
    EXPECT_EQ(h.os.state(pid), ProcessState::Finished);
    std::vector<ExitEvent> events = h.os.take_exit_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].output, "last words\n");
    EXPECT_EQ(h.os.read_stdout(pid), std::optional<std::string>("last words\n"));
    EXPECT_EQ(h.os.read_stdout(pid), std::optional<std::string>("")) << "taken once";
    for (std::size_t i = 0; i < Os::kRecentExits; ++i) h.spawn("");
    h.run();
    EXPECT_EQ(h.os.read_stdout(pid), std::nullopt) << "forgotten with its exit";
}

TEST(ExitOutput, EndedOutputIsBoundedPerVmAndDroppingIsSaid) {
    KernelOptions kernel;
    kernel.process_limits.exit_output_bytes = 150;
    Harness h({}, kernel);
    std::vector<Pid> pids;
    for (int i = 0; i < 3; ++i) pids.push_back(h.spawn("print(string.rep('x', 59))"));
    h.run();
    const std::string dropped = *h.os.read_stdout(pids[0]);
    EXPECT_EQ(dropped.rfind("[luaos: 60 bytes of output dropped: a VM keeps at most 150 bytes", 0), 0u) << dropped;
    EXPECT_EQ(*h.os.read_stdout(pids[1]), std::string(59, 'x') + "\n");
    EXPECT_EQ(*h.os.read_stdout(pids[2]), std::string(59, 'x') + "\n");
}

// --- os.send waits for room --------------------------------------------------

TEST(BlockingSend, TenThousandMessagesThroughA64MessageMailboxLoseNone) {
    Harness h({.preemption = PreemptionMode::InstructionCount});
    ASSERT_EQ(KernelOptions{}.process_limits.mailbox_messages, 64u);
    Pid consumer = h.spawn(
        "os.sleep(5) local sum, count, last = 0, 0, 0 "
        "while count < 10000 do local n = os.receive() assert(n == last + 1) last = n sum = sum + n count = count + 1 end "
        "print(count, sum)");
    Pid producer = h.spawn("for i = 1, 10000 do assert(os.send(1, i)) end print('sent')");
    h.run();
    EXPECT_EQ(h.exit_of(producer).output, "sent\n") << h.exit_of(producer).error;
    EXPECT_EQ(h.exit_of(consumer).output, "10000\t50005000\n") << h.exit_of(consumer).error;
}

TEST(BlockingSend, ATimeoutBoundsTheWait) {
    Harness h({.preemption = PreemptionMode::InstructionCount});
    Pid receiver = h.spawn("os.sleep(1000)");
    Pid sender = h.spawn(
        "for i = 1, 64 do assert(os.send(1, i)) end "
        "print(os.send(1, 'x', 0)) local t = os.clock() print(os.send(1, 'y', 3))");
    h.tick();
    EXPECT_EQ(h.os.state(sender), ProcessState::Waiting);
    h.tick();
    h.tick();
    EXPECT_EQ(h.os.state(sender), ProcessState::Waiting);
    h.tick();
    h.tick();
    EXPECT_EQ(h.exit_of(sender).output, "nil\tmailbox full\nnil\tmailbox full\n");
    h.os.kill(receiver);
}

TEST(BlockingSend, AWaitingSenderLearnsThatTheReceiverEnded) {
    std::string out = output_of(
        "local r = os.spawn_source('os.sleep(3)') for i = 1, 64 do os.send(r, i) end print(os.send(r, 'more'))");
    EXPECT_EQ(out, "nil\tno such process\n");
}

TEST(BlockingSend, NeverWaitsForItsOwnMailboxOrWhereItCannotYield) {
    EXPECT_EQ(output_of("for i = 1, 64 do os.send(os.getpid(), i) end print(os.send(os.getpid(), 0))"),
              "nil\tmailbox full\n");
    EXPECT_EQ(output_of("local r = os.spawn_source('os.sleep(10)') for i = 1, 64 do os.send(r, i) end "
                        "local got table.sort({2, 1}, function(a, b) got = {os.send(r, 0)} return a < b end) "
                        "print(got[1], got[2]) os.kill(r)"),
              "nil\tmailbox full\n");
}

TEST(BlockingSend, BadTimeoutsAreErrors) {
    EXPECT_NE(run_script("os.send(1, 1, -1)").error.find("timeout must not be negative"), std::string::npos);
    EXPECT_NE(run_script("os.send(1, 1, 'soon')").error.find("number expected"), std::string::npos);
}

}  // namespace
}  // namespace luaos::test
