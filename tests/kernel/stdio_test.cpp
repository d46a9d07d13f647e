// stdin and stdout: io.read, io.write, os.write_stdin, os.read_stdout, and
// the host's side of them.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Stdio, ReadWaitsForALineWithoutSpinning) {
    Harness h;
    Pid reader = h.spawn("local line = io.read() io.write('got ', line, ' ', 7, '\\n')");
    for (int i = 0; i < 50; ++i) h.tick();
    EXPECT_EQ(h.os.state(reader), ProcessState::Waiting);
    EXPECT_EQ(h.os.find(reader)->stats().slices, 1u) << "a waiting reader must not be resumed";
    EXPECT_EQ(h.os.write_stdin(reader, "hello"), Delivery::Delivered);
    h.run();
    EXPECT_EQ(h.exit_of(reader).output, "got hello 7\n");
    EXPECT_EQ(h.exit_of(reader).tick, 51u);
}

TEST(Stdio, ReadFormatsAndEndOfInput) {
    Harness h;
    Pid reader = h.spawn("print(io.read('L'), io.read('*l'), io.read(), io.read())");
    h.os.write_stdin(reader, "a");
    h.os.write_stdin(reader, "b");
    h.os.close_stdin(reader);
    h.run();
    EXPECT_EQ(h.exit_of(reader).output, "a\n\tb\tnil\tnil\n");
}

TEST(Stdio, ProducerAndConsumerOverStdin) {
    Harness h;
    Pid consumer = h.spawn(R"lua(
        local sum = 0
        for line in io.read do sum = sum + tonumber(line) end
        print('sum ' .. sum)
    )lua");
    Pid producer = h.spawn(R"lua(
        for i = 1, 100 do
            while not os.write_stdin(1, tostring(i)) do os.yield() end
            if i % 10 == 0 then os.yield() end
        end
        os.close_stdin(1)
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(producer).status, ProcessStatus::Finished) << h.exit_of(producer).error;
    EXPECT_EQ(h.exit_of(consumer).output, "sum 5050\n");
}

TEST(Stdio, WriteStdinAnswers) {
    KernelOptions options;
    options.process_limits.stdin_bytes = 10;
    Harness h({}, options);
    Pid target = h.spawn("os.sleep(5)");
    Pid writer = h.spawn(R"lua(
        print(os.write_stdin(1, '12345'), os.write_stdin(1, '123456'), os.write_stdin(9, 'x'))
        print(pcall(os.write_stdin, 1, '12345678901'))
        os.close_stdin(1)
        print(os.write_stdin(1, 'x'))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(writer).output,
              "true\tnil\tnil\tno such process\n"
              "false\tos.write_stdin: line too long (the limit is 10 bytes)\n"
              "nil\tstdin closed\n");
    EXPECT_EQ(h.exit_of(target).status, ProcessStatus::Finished);
}

TEST(Stdio, ReadStdoutDrainsAnotherProcessOutput) {
    Harness h;
    h.os.install_program("talker", "print('one') io.write('two') os.sleep(2) print('three')");
    Pid reader = h.spawn(R"lua(
        local pid = os.spawn('talker', nil, {stdout = 'pipe'})
        os.yield() os.yield()
        io.write('[', os.read_stdout(pid), ']')
        io.write('[', os.read_stdout(pid), ']')
        os.wait(pid)
        print(os.read_stdout(pid))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(reader).output, "[one\ntwo][]three\n\n") << "readable after the end too";
    EXPECT_EQ(h.exit_of(2).output, "three\n") << "what was read is drained";
}

TEST(Stdio, HostReadsAndDrainsStdout) {
    Harness h;
    Pid pid = h.spawn("print('hi') os.sleep(3)");
    h.tick();
    EXPECT_EQ(h.os.read_stdout(pid), "hi\n");
    EXPECT_EQ(h.os.read_stdout(pid), "");
    EXPECT_EQ(h.os.read_stdout(42), std::nullopt);
}

TEST(Stdio, HostWritesToUnknownOrEndedProcess) {
    Harness h;
    Pid pid = h.spawn("");
    EXPECT_EQ(h.os.write_stdin(99, "x"), Delivery::NotFound);
    h.run();
    EXPECT_EQ(h.os.write_stdin(pid, "x"), Delivery::NotFound);
    EXPECT_EQ(h.os.close_stdin(pid), Delivery::NotFound);
}

}  // namespace
}  // namespace luaos::test
