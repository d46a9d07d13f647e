// The file system's limits (luaos/file_limits.hpp): each one stops the
// script that hits it, and only that script's VM, or process, suffers.

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

struct Ended {
    ProcessStatus status = ProcessStatus::Ready;
    std::string output;
    std::string error;
};

// Two VMs on one runtime, their files in one store: a hostile one and its neighbour.
class TwoVms : public ProcessObserver {
public:
    explicit TwoVms(RuntimeOptions options, KernelOptions kernel = {}) : runtime(options) {
        set_kernel_options(runtime, kernel);
        runtime.set_observer(this);
        hostile.attach_files(store, store->create_vm({}));
        neighbour.attach_files(store, store->create_vm({}));
    }
    void on_exit(const Process& process) override {
        ended[{&process.os(), process.pid()}] = {process.status(), process.output(), process.error()};
    }
    void run() {
        for (int tick = 0; tick < 1000 && !(hostile.is_finished() && neighbour.is_finished()); ++tick) {
            hostile.tick();
            neighbour.tick();
        }
    }
    Ended of(Os& os, Pid pid) { return ended[{&os, pid}]; }

    std::shared_ptr<FileStore> store = make_memory_store();
    Runtime runtime;
    Os hostile{runtime};
    Os neighbour{runtime};
    std::map<std::pair<const Os*, Pid>, Ended> ended;
};

// The neighbour writes, reads back and lists: all of it must work whatever the hostile VM did.
constexpr const char* kNeighbour = R"lua(
    for i = 1, 3 do os.yield() end
    assert(fs.mkdir("/home"))
    local f = assert(fs.open("/home/n.txt", "w"))
    assert(f:write(("n"):rep(1000)))
    assert(f:close())
    print(#fs.open("/home/n.txt"):read("a"), fs.free() > 0, #fs.list("/"))
)lua";
constexpr const char* kNeighbourOutput = "1000\ttrue\t1\n";

void expect_neighbour_fine(TwoVms& vms, Pid pid) {
    const Ended ended = vms.of(vms.neighbour, pid);
    EXPECT_EQ(ended.status, ProcessStatus::Finished) << ended.error;
    EXPECT_EQ(ended.output, kNeighbourOutput);
}

TEST(FsLimits, TotalBytesStopOnlyTheVmThatFillsItsQuota) {
    KernelOptions kernel;
    kernel.file_limits.total_bytes = 64 << 10;
    TwoVms vms({}, kernel);
    const Pid hostile = vms.hostile.spawn_process(R"lua(
        local chunk = ("x"):rep(4096)
        for i = 1, 1000 do
            local f = fs.open("/f" .. i, "w")
            local ok, why = f:write(chunk)
            if not ok then print(i, why, fs.free()) f:close() return end
            local closed, reason = f:close()
            if not closed then print(i, reason) return end
        end
    )lua", "fill.lua").pid;
    const Pid neighbour = vms.neighbour.spawn_process(kNeighbour, "neighbour.lua").pid;
    vms.run();
    EXPECT_EQ(vms.of(vms.hostile, hostile).output, "17\tquota full\t0\n");
    EXPECT_EQ(vms.store->usage(vms.hostile.stored_id()).bytes, 64u << 10);
    expect_neighbour_fine(vms, neighbour);
}

TEST(FsLimits, FilesAndDirectoriesPerVm) {
    KernelOptions kernel;
    kernel.file_limits.max_nodes = 50;
    TwoVms vms({}, kernel);
    const Pid hostile = vms.hostile.spawn_process(R"lua(
        for i = 1, 10000 do
            local ok, why = fs.mkdir("/d" .. i)
            if not ok then print(i, why) break end
        end
        print(fs.open("/file", "w"))
    )lua", "dirs.lua").pid;
    const Pid neighbour = vms.neighbour.spawn_process(kNeighbour, "neighbour.lua").pid;
    vms.run();
    EXPECT_EQ(vms.of(vms.hostile, hostile).output, "51\ttoo many files\nnil\ttoo many files\n");
    expect_neighbour_fine(vms, neighbour);
}

TEST(FsLimits, OneFilesSize) {
    KernelOptions kernel;
    kernel.file_limits.file_bytes = 10000;
    TwoVms vms({}, kernel);
    const Pid hostile = vms.hostile.spawn_process(R"lua(
        local f = fs.open("/big", "w")
        print(f:write(("x"):rep(10001)))
        print(f:write(("x"):rep(10000)))
        print(f:write("y"))
        print(f:seek("set", 20000))
        f:close()
        print(fs.stat("/big").size)
    )lua", "big.lua").pid;
    const Pid neighbour = vms.neighbour.spawn_process(kNeighbour, "neighbour.lua").pid;
    vms.run();
    const std::string output = vms.of(vms.hostile, hostile).output;
    EXPECT_EQ(output.substr(0, output.find('\n')), "nil\tfile too large");
    EXPECT_NE(output.find("\nfile ("), std::string::npos) << output;
    EXPECT_NE(output.find(")\nnil\tfile too large\nnil\tfile too large\n10000\n"), std::string::npos) << output;
    expect_neighbour_fine(vms, neighbour);
}

TEST(FsLimits, OpenHandlesPerProcess) {
    KernelOptions kernel;
    kernel.file_limits.open_handles = 4;
    Harness h({}, kernel);
    const Pid hoarder = h.spawn(R"lua(
        local kept = {}
        for i = 1, 10 do
            local f, why = fs.open("/h" .. i, "w")
            if not f then print(i, why) break end
            kept[i] = f
        end
        kept[1]:close()
        print(fs.open("/again", "w") ~= nil)
        os.sleep(5)
    )lua");
    const Pid other = h.spawn("os.yield() print(fs.open('/other', 'w') ~= nil)");
    h.run();
    EXPECT_EQ(h.exit_of(hoarder).output, "5\ttoo many open files\ntrue\n");
    EXPECT_EQ(h.exit_of(other).output, "true\n");
}

TEST(FsLimits, PathLengthAndDepth) {
    KernelOptions kernel;
    kernel.file_limits.path_depth = 4;
    kernel.file_limits.path_bytes = 32;
    Harness h({}, kernel);
    const Pid pid = h.spawn(R"lua(
        print(fs.mkdir("/a/b/c/d"))
        print(fs.mkdir("/a/b/c/d/e"))
        os.chdir("/a/b/c/d")
        print(fs.open("e", "w"))
        print(fs.open(("../"):rep(20) .. "x", "w"))
        print(fs.open("/" .. ("x"):rep(32), "w"))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output,
              "true\n"
              "nil\tinvalid path: too deep\n"
              "nil\tinvalid path: too deep\n"
              "nil\tinvalid path: too long\n"
              "nil\tinvalid path: too long\n");
}

// A directory moved or copied deeper takes its descendants with it: their
// paths too must stay within the limits, or they could never be named again.
TEST(FsLimits, RenamesAndCopiesKeepEveryPathWithinTheLimits) {
    KernelOptions kernel;
    kernel.file_limits.path_depth = 4;
    kernel.file_limits.path_bytes = 32;
    TwoVms vms({}, kernel);
    const Pid hostile = vms.hostile.spawn_process(R"lua(
        assert(fs.mkdir("/a/b/c"))
        assert(fs.mkdir("/x/y"))
        print(fs.rename("/a", "/x/y/a"))
        print(fs.copy("/a", "/x/y/a"))
        print(fs.rename("/a", "/x/a"), fs.exists("/x/a/b/c"))
        local long = "/" .. ("n"):rep(20)
        assert(fs.mkdir(long))
        assert(fs.mkdir("/m/" .. ("q"):rep(10)))
        print(fs.rename("/m", long .. "/m"))
        print(fs.copy("/m", long .. "/m"))
        print(fs.rename("/m", "/" .. ("k"):rep(10)), fs.exists("/m"), fs.exists("/kkkkkkkkkk/qqqqqqqqqq"))
    )lua", "deeper.lua").pid;
    const Pid neighbour = vms.neighbour.spawn_process(kNeighbour, "neighbour.lua").pid;
    vms.run();
    EXPECT_EQ(vms.of(vms.hostile, hostile).output,
              "nil\tinvalid path: too deep\n"
              "nil\tinvalid path: too deep\n"
              "true\ttrue\n"
              "nil\tinvalid path: too long\n"
              "nil\tinvalid path: too long\n"
              "true\tfalse\ttrue\n");
    expect_neighbour_fine(vms, neighbour);
}

TEST(FsLimits, LargeReadsAreChargedToTheCpuBudget) {
    RuntimeOptions options;
    options.preemption = PreemptionMode::InstructionCount;
    options.cpu_budget = 20000;
    TwoVms vms(options);
    // 200 KB is 12,800 budget units to read at once: more than the budget
    // left once the loop that wrote it has run in the same slice.
    const Pid hostile = vms.hostile.spawn_process(R"lua(
        local f = fs.open("/big", "w")
        for i = 1, 50 do f:write(("x"):rep(4000)) coroutine.yield() end
        f:close()
        coroutine.yield()
        local data = {}
        local g = fs.open("/big")
        local pieces = table.sort({3, 2, 1}, function(a, b)
            for i = 1, 3 do data[#data + 1] = g:read(50000) g:seek("set", 0) end
            return a < b
        end)
        print("not reached", #data)
    )lua", "reader.lua").pid;
    const Pid neighbour = vms.neighbour.spawn_process(kNeighbour, "neighbour.lua").pid;
    vms.run();
    const Ended ended = vms.of(vms.hostile, hostile);
    EXPECT_EQ(ended.status, ProcessStatus::Killed) << ended.error << ended.output;
    EXPECT_NE(ended.error.find("too much to read in one slice"), std::string::npos) << ended.error;
    expect_neighbour_fine(vms, neighbour);
}

TEST(FsLimits, OpenFilesCountAgainstTheVmsMemory) {
    RuntimeOptions options;
    KernelOptions kernel;
    options.memory_limit = 256 << 10;
    kernel.file_limits.file_bytes = 1 << 20;
    kernel.file_limits.total_bytes = 4 << 20;
    TwoVms vms(options, kernel);
    const Pid hostile = vms.hostile.spawn_process(R"lua(
        local chunk = ("m"):rep(8192)
        local f = fs.open("/m", "w")
        for i = 1, 100 do
            local ok, why = f:write(chunk)
            if not ok then print(why) return end
        end
        print("never refused")
    )lua", "memory.lua").pid;
    const Pid neighbour = vms.neighbour.spawn_process(kNeighbour, "neighbour.lua").pid;
    vms.run();
    EXPECT_EQ(vms.of(vms.hostile, hostile).output, "not enough memory\n");
    expect_neighbour_fine(vms, neighbour);
}

}  // namespace
}  // namespace luaos::test
