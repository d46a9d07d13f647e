// Messages between processes: os.send, os.receive, copying and limits.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Messages, ValuesAreCopiedNotShared) {
    Harness h;
    Pid receiver = h.spawn(R"lua(
        local value, from = os.receive()
        print(from, value.n, value.s, value.t[1], value.t[2].deep, value[true], value[1.5], value.f)
        value.t[1] = 'changed'
        os.send(from, 'done')
    )lua");
    Pid sender = h.spawn(R"lua(
        local shared = {1}
        local message = {n = 42, s = 'text', t = {'x', {deep = 'y'}}, [true] = 'yes', [1.5] = 'float', f = false}
        print(os.send(1, message))
        message.n = 0
        print(os.receive(), message.t[1])
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(receiver).output, "2\t42\ttext\tx\ty\tyes\tfloat\tfalse\n");
    EXPECT_EQ(h.exit_of(sender).output, "true\ndone\tx\n");
}

TEST(Messages, ScalarsAndNil) {
    Harness h;
    Pid pid = h.spawn(R"lua(
        for _, v in ipairs({1, 2.5, 'a', true}) do os.send(os.getpid(), v) end
        os.send(os.getpid(), nil)
        for i = 1, 5 do local v, from = os.receive(0) io.write(tostring(v), ' ', math.type(v) or type(v), ' ', from, '\n') end
        print(os.receive(0))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "1 integer 1\n2.5 float 1\na string 1\ntrue boolean 1\nnil nil 1\n\n");
}

TEST(Messages, ProducerConsumer) {
    Harness h;
    Pid consumer = h.spawn(R"lua(
        local sum, count = 0, 0
        while true do
            local item = os.receive()
            if item == 'stop' then break end
            sum, count = sum + item.value, count + 1
        end
        print(count, sum)
    )lua");
    Pid producer = h.spawn(R"lua(
        for i = 1, 500 do
            while not os.send(1, {value = i}) do os.yield() end
        end
        while not os.send(1, 'stop') do os.yield() end
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(producer).status, ProcessStatus::Finished) << h.exit_of(producer).error;
    EXPECT_EQ(h.exit_of(consumer).output, "500\t125250\n");
}

TEST(Messages, BlockedReceiverCostsNothingUntilAMessageArrives) {
    Harness h;
    Pid receiver = h.spawn("print(os.receive())");
    for (int i = 0; i < 30; ++i) h.tick();
    EXPECT_EQ(h.os.state(receiver), ProcessState::Waiting);
    EXPECT_EQ(h.os.find(receiver)->stats().slices, 1u);
    EXPECT_EQ(h.os.send(receiver, "from host"), Delivery::Delivered);
    h.run();
    EXPECT_EQ(h.exit_of(receiver).output, "from host\t0\n");
}

TEST(Messages, ReceiveTimesOut) {
    Harness h;
    Pid pid = h.spawn("print(select('#', os.receive(5)), os.receive(0))");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "0\n");
    EXPECT_EQ(h.exit_of(pid).tick, 6u);
}

TEST(Messages, TimeoutIsCancelledByAMessage) {
    Harness h;
    Pid pid = h.spawn("print(os.receive(1000)) print(os.receive(3))");
    h.tick();
    h.os.send(pid, "early");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "early\t0\n\n");
    EXPECT_EQ(h.exit_of(pid).tick, 5u);
}

TEST(Messages, CyclesDepthAndSizeAreRefused) {
    KernelOptions options;
    options.process_limits.message_depth = 3;
    options.process_limits.mailbox_bytes = 100;
    Harness h({}, options);
    Pid pid = h.spawn(R"lua(
        local t = {} t.self = t
        print(pcall(os.send, 1, t))
        print(pcall(os.send, 1, {{{{}}}}))
        print(os.send(1, {{{}}}))
        print(pcall(os.send, 1, string.rep('x', 200)))
        local shared = {1}
        print(os.send(1, {shared, shared}))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output,
              "false\tos.send: cannot send a table that contains itself (a cycle)\n"
              "false\tos.send: message tables nested too deeply (the limit is 3)\n"
              "true\n"
              "false\tos.send: message too large (the limit is 100 bytes)\n"
              "true\n");
}

TEST(Messages, MailboxIsBounded) {
    KernelOptions options;
    options.process_limits.mailbox_messages = 3;
    Harness h({}, options);
    Pid pid = h.spawn(R"lua(
        for i = 1, 4 do print(os.send(os.getpid(), i)) end
        print(os.receive(0), os.send(9, 1))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "true\ntrue\ntrue\nnil\tmailbox full\n1\tnil\tno such process\n");
}

TEST(Messages, PermissionsStopAtTheVm) {
    // PIDs are per VM: process 2 of VM b is not process 2 of VM a.
    Runtime runtime;
    ExitRecorder recorder;
    runtime.set_observer(&recorder);
    Os a(runtime);
    Os b(runtime);
    a.spawn_process(R"lua(
        print(os.send(2, 'hi'), os.write_stdin(2, 'x'), os.kill(2), os.status(2), os.wait(2))
        print(os.read_stdout(2))
    )lua", "a.lua");
    b.spawn_process("coroutine.yield()", "b1.lua");
    b.spawn_process("local got = os.receive(3) coroutine.yield() print(got, io.read == nil)", "b2.lua");
    for (int i = 0; i < 10; ++i) {
        a.tick();
        b.tick();
    }
    auto exits = recorder.exits();
    ASSERT_EQ(exits.size(), 3u);
    EXPECT_EQ(exits[0].output,
              "nil\tnil\tnil\tnot_found\tnil\tno such process\n"
              "nil\tno such process\n");
    EXPECT_EQ(exits[2].pid, 2u);
    EXPECT_EQ(exits[2].status, ProcessStatus::Finished);
    EXPECT_EQ(exits[2].output, "nil\tfalse\n");
}

}  // namespace
}  // namespace luaos::test
