// VMs the host holds: handles, lookup, destroy, the removal notice, VMs kept
// while empty, and use after removal as a clear error (run under ASan too).

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

struct Removals : VmObserver {
    std::mutex mutex;
    std::vector<std::pair<VmHandle, VmRemoval>> seen;
    std::vector<std::size_t> processes_at_removal;
    void on_vm_removed(const VirtualMachine& vm, VmRemoval why) override {
        std::lock_guard lock(mutex);
        seen.emplace_back(vm.handle(), why);
        processes_at_removal.push_back(vm.os().processes().size());
    }
};

TEST(VmHandle, FindsTheVmItNamesWhileItLives) {
    Cluster cluster;
    VmHandle a = cluster.create_vm(VmOptions{});
    VmHandle b = cluster.create_vm(VmOptions{});
    EXPECT_TRUE(a);
    EXPECT_NE(a, b);
    EXPECT_FALSE(VmHandle{});
    ASSERT_NE(cluster.find_vm(a), nullptr);
    EXPECT_EQ(cluster.find_vm(a)->handle(), a);
    EXPECT_EQ(&cluster.vm(b), cluster.find_vm(b));
    EXPECT_EQ(cluster.find_vm(VmHandle::from_value(a.value())), cluster.find_vm(a));
    VirtualMachine& plain = cluster.create_vm();
    EXPECT_EQ(cluster.find_vm(plain.handle()), &plain) << "every VM has a handle";
}

TEST(VmHandle, AFinishedVmIsRemovedAndItsHandleNamesNothing) {
    Cluster cluster;
    Removals removals;
    cluster.set_vm_observer(&removals);
    VmHandle handle = cluster.create_vm(VmOptions{});
    cluster.vm(handle).os().spawn_process("print('hi')", "hi.lua");
    cluster.tick();
    EXPECT_EQ(cluster.find_vm(handle), nullptr);
    EXPECT_THROW(cluster.vm(handle), VmRemovedError);
    ASSERT_EQ(removals.seen.size(), 1u);
    EXPECT_EQ(removals.seen[0].first, handle);
    EXPECT_EQ(removals.seen[0].second, VmRemoval::Finished);
}

// The crash: spawning into a VM the cluster removed. Through a
// handle it is an exception, never a use of freed memory (ASan checks).
TEST(VmHandle, UsingARemovedVmIsAClearError) {
    Cluster cluster;
    VmHandle handle = cluster.create_vm(VmOptions{});
    cluster.vm(handle).os().install_program("idle", "return");
    cluster.tick();  // no process: removed after its first tick
    EXPECT_THROW(cluster.vm(handle).os().spawn_program("idle"), VmRemovedError);
    try {
        cluster.vm(handle);
        FAIL() << "no exception";
    } catch (const VmRemovedError& error) {
        EXPECT_EQ(error.handle(), handle);
        EXPECT_NE(std::string(error.what()).find("removed"), std::string::npos);
    }
    EXPECT_FALSE(cluster.destroy_vm(handle));
    EXPECT_FALSE(cluster.set_keep_when_empty(handle, true));
    EXPECT_EQ(cluster.find_vm(VmHandle{}), nullptr);
    EXPECT_EQ(cluster.find_vm(VmHandle::from_value(~std::uint64_t{0})), nullptr);
}

TEST(VmHandle, AReusedSlotGetsANewHandle) {
    Cluster cluster;
    VmHandle old = cluster.create_vm(VmOptions{});
    ASSERT_TRUE(cluster.destroy_vm(old));
    VmHandle fresh = cluster.create_vm(VmOptions{});
    EXPECT_NE(fresh, old);
    EXPECT_EQ(cluster.find_vm(old), nullptr);
    EXPECT_NE(cluster.find_vm(fresh), nullptr);
}

TEST(VmHandle, AKeptVmStaysWhileEmptyAndCostsNoTick) {
    Cluster cluster;
    VmHandle kept = cluster.create_vm({.keep_when_empty = true});
    EXPECT_TRUE(cluster.vm(kept).keeps_when_empty());
    cluster.vm(kept).os().install_program("hello", "print('hello')");
    for (int i = 0; i < 3; ++i) cluster.tick();
    ASSERT_NE(cluster.find_vm(kept), nullptr);
    EXPECT_EQ(cluster.awake_vm_count(), 0u) << "an empty kept VM is set aside";
    ExitRecorder exits;
    cluster.set_observer(&exits);
    SpawnResult spawned = cluster.vm(kept).os().spawn_program("hello");
    ASSERT_TRUE(spawned.ok());
    cluster.tick();
    EXPECT_EQ(exits.of(spawned.pid).output, "hello\n");
    cluster.tick();
    EXPECT_NE(cluster.find_vm(kept), nullptr);
    EXPECT_EQ(cluster.vm_count(), 1u);
}

TEST(VmHandle, AVmNoLongerKeptIsRemovedAtTheNextTick) {
    Cluster cluster;
    VmHandle kept = cluster.create_vm({.keep_when_empty = true});
    cluster.tick();
    cluster.tick();
    ASSERT_TRUE(cluster.set_keep_when_empty(kept, false));
    cluster.tick();
    EXPECT_EQ(cluster.find_vm(kept), nullptr);
    EXPECT_EQ(cluster.vm_count(), 0u);
}

TEST(VmHandle, DestroyKillsTheProcessesReportsTheExitsAndRemoves) {
    Cluster cluster({.threads = 2});
    ExitRecorder exits;
    Removals removals;
    cluster.set_observer(&exits);
    cluster.set_vm_observer(&removals);
    VmHandle doomed = cluster.create_vm({.keep_when_empty = true});
    VmHandle other = cluster.create_vm(VmOptions{});
    Os& os = cluster.vm(doomed).os();
    Pid sleeper = os.spawn_process("os.sleep(1000)", "sleeper.lua").pid;
    Pid spinner = os.spawn_process("while true do os.yield() end", "spinner.lua").pid;
    Pid reader = os.spawn_process("io.read()", "reader.lua").pid;
    cluster.vm(other).os().spawn_process("os.sleep(3)", "other.lua");
    cluster.tick();
    cluster.tick();
    ASSERT_TRUE(cluster.destroy_vm(doomed, "the player logged out"));
    for (Pid pid : {sleeper, spinner, reader}) {
        Exit exit = exits.of(pid);
        EXPECT_EQ(exit.status, ProcessStatus::Killed) << pid;
        EXPECT_EQ(exit.error, "the player logged out");
    }
    ASSERT_EQ(removals.seen.size(), 1u);
    EXPECT_EQ(removals.seen[0], std::make_pair(doomed, VmRemoval::Destroyed));
    EXPECT_EQ(removals.processes_at_removal[0], 0u) << "its processes were reported and removed first";
    EXPECT_EQ(cluster.find_vm(doomed), nullptr);
    EXPECT_THROW(cluster.vm(doomed), VmRemovedError);
    EXPECT_EQ(cluster.vm_count(), 1u);
    cluster.run({.max_ticks = 10});
    EXPECT_EQ(cluster.vm_count(), 0u) << "the other VM ran to its end";
}

TEST(VmHandle, DestroyIsRefusedDuringATick) {
    Cluster cluster;
    VmHandle handle = cluster.create_vm(VmOptions{});
    struct DestroyInside : ProcessObserver {
        Cluster* cluster = nullptr;
        VmHandle handle;
        bool refused = false;
        void on_exit(const Process&) override {
            try {
                cluster->destroy_vm(handle);
            } catch (const std::logic_error&) {
                refused = true;
            }
        }
    } inside;
    inside.cluster = &cluster;
    inside.handle = handle;
    cluster.set_observer(&inside);
    cluster.vm(handle).os().spawn_process("", "x.lua");
    cluster.tick();
    EXPECT_TRUE(inside.refused);
}

TEST(VmHandle, DestroyingEveryVmOfAShardKeepsTheOthersTicking) {
    Cluster cluster({.shard_vms = 2});
    std::vector<VmHandle> handles;
    for (int i = 0; i < 6; ++i) {
        handles.push_back(cluster.create_vm({.keep_when_empty = true}));
        cluster.vm(handles.back()).os().spawn_process("for i = 1, 5 do os.sleep(i % 2) end", "s.lua");
    }
    cluster.tick();
    cluster.tick();
    for (int i : {0, 1, 4}) ASSERT_TRUE(cluster.destroy_vm(handles[static_cast<std::size_t>(i)]));
    for (int i = 0; i < 10; ++i) cluster.tick();
    EXPECT_EQ(cluster.vm_count(), 3u);
    EXPECT_EQ(cluster.process_count(), 0u);
    for (int i : {2, 3, 5}) EXPECT_EQ(cluster.vm(handles[static_cast<std::size_t>(i)]).os().stats().processes_spawned, 1u);
}

TEST(VmHandle, OsShutDownRefusesInsideASlice) {
    Harness h;
    struct ShutDownInside : ProcessObserver {
        Os* os = nullptr;
        bool refused = false;
        void on_output(const Process&, std::string_view) override {
            try {
                os->shut_down("x");
            } catch (const std::logic_error&) {
                refused = true;
            }
        }
    } inside;
    inside.os = &h.os;
    h.runtime.set_observer(&inside);
    h.spawn("print('x')");
    h.tick();
    EXPECT_TRUE(inside.refused);
}

}  // namespace
}  // namespace luaos::test
