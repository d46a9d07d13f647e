// VMs kept in a store: created, opened again by a new cluster (a restarted
// host) with their files, booted afresh, listed and deleted.

#include <gtest/gtest.h>

#include <filesystem>

#include "support/harness.hpp"
#include "support/scratch_store.hpp"

namespace luaos::test {
namespace {

std::string scratch_store(const std::string& name) { return test::scratch_store("stored_vm_test", name); }

constexpr const char* kCountRuns = R"lua(
    local runs = 0
    local f = fs.open("/runs")
    if f then runs = tonumber(f:read("a")) f:close() end
    f = assert(fs.open("/runs", "w"))
    f:write(runs + 1)
    assert(f:close())
    print(..., runs + 1)
)lua";

// Runs a cluster on the store at `path` until its VMs end; what they printed.
std::vector<std::string> run_host(const std::string& path, const std::function<void(Cluster&)>& open_vms) {
    ClusterOptions options;
    options.store = open_sqlite_store(path);
    options.threads = 2;
    Cluster cluster(options);
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    open_vms(cluster);
    cluster.run({.max_ticks = 100});
    std::vector<std::string> outputs;
    for (const Exit& exit : recorder.exits()) outputs.push_back(exit.output);
    std::sort(outputs.begin(), outputs.end());
    return outputs;
}

TEST(StoredVms, BootAgainAfterARestartWithTheirFiles) {
    const std::string path = scratch_store("world.db");
    StoredVmId first = 0;
    StoredVmId second = 0;
    EXPECT_EQ(run_host(path,
                       [&](Cluster& cluster) {
                           for (const char* name : {"a", "b"}) {
                               VirtualMachine& vm = cluster.create_stored_vm({{"/boot/count.lua", {name}}});
                               EXPECT_EQ(vm.os().write_file("/boot/count.lua", kCountRuns), "");
                               (name[0] == 'a' ? first : second) = vm.os().stored_id();
                               EXPECT_EQ(vm.os().boot().size(), 1u);
                           }
                       }),
              (std::vector<std::string>{"a\t1\n", "b\t1\n"}));
    auto reopen_all = [](Cluster& cluster) {
        for (const StoredVmId id : cluster.store()->vms()) cluster.open_stored_vm(id).os().boot();
    };
    EXPECT_EQ(run_host(path, reopen_all), (std::vector<std::string>{"a\t2\n", "b\t2\n"}));
    {
        auto store = open_sqlite_store(path);
        EXPECT_EQ(store->vms(), (std::vector<StoredVmId>{first, second}));
        EXPECT_TRUE(store->delete_vm(first));
    }
    EXPECT_EQ(run_host(path, reopen_all), (std::vector<std::string>{"b\t3\n"}));
}

TEST(StoredVms, OpeningAVmTheStoreDoesNotHoldIsAnError) {
    ClusterOptions options;
    options.store = make_memory_store();
    Cluster cluster(options);
    EXPECT_THROW(cluster.open_stored_vm(42), StoreError);
    Cluster without_store;
    EXPECT_THROW(without_store.open_stored_vm(1), StoreError);
    EXPECT_THROW(without_store.create_stored_vm({}), StoreError);
}

TEST(StoredVms, ABootListNamingAMissingFileReportsIt) {
    ClusterOptions options;
    options.store = make_memory_store();
    Cluster cluster(options);
    VirtualMachine& vm = cluster.create_stored_vm({{"/boot/missing.lua", {}}, {"/boot/there.lua", {}}});
    EXPECT_EQ(vm.os().write_file("/boot/there.lua", "print('there')"), "");
    const std::vector<SpawnResult> spawned = vm.os().boot();
    ASSERT_EQ(spawned.size(), 2u);
    EXPECT_EQ(spawned[0].pid, 0u);
    EXPECT_EQ(spawned[0].error, "no such file: /boot/missing.lua");
    EXPECT_TRUE(spawned[1].ok());
}

TEST(StoredVms, HostWritesFollowTheTreesRules) {
    Runtime runtime;
    Os os(runtime);
    EXPECT_EQ(os.write_file("/a/b/c.txt", "x"), "");
    EXPECT_EQ(os.write_file("/a/b", "x"), "is a directory");
    EXPECT_EQ(os.write_file("relative.txt", "x"), "invalid path: the host writes absolute paths");
    EXPECT_EQ(os.write_file("/a/../../b\\c", "x"), "invalid path: names are printable ASCII without '/' or '\\'");
    std::string data;
    EXPECT_TRUE(os.file_store().read(os.stored_id(), "/a/b/c.txt", data));
    EXPECT_EQ(data, "x");
}

}  // namespace
}  // namespace luaos::test
