// The fs library as scripts use it (kernel/fs_library.hpp), and os.chdir/os.getcwd.

#include <gtest/gtest.h>

#include "runtime/chunk_cache.hpp"
#include "runtime/runtime_access.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Fs, WritesReadsAndListsFiles) {
    EXPECT_EQ(output_of(R"lua(
        local f = assert(fs.open("/notes.txt", "w"))
        assert(f:write("one\n", 2, "\n") == f)
        f:write("three")
        assert(f:close())
        print(fs.exists("notes.txt"), fs.exists("/nope"))
        local st = fs.stat("/notes.txt")
        print(st.kind, st.size, type(st.modified), fs.stat("/nope"))
        local r = fs.open("/notes.txt")
        print(r:read("l"), r:read("L"), r:read("a"), r:read("a"), r:read("l"))
        r:close()
        for line in fs.open("/notes.txt", "rb"):lines() do io.write("[", line, "]") end
        print()
        assert(fs.mkdir("/b/c"))
        assert(fs.mkdir("/a"))
        local names = fs.list("/")
        print(table.concat(names, ","), #fs.list("/b"), fs.stat("/b").kind)
    )lua"),
              "true\tfalse\n"
              "file\t11\tnumber\tnil\n"
              "one\t2\n\tthree\t\tnil\n"
              "[one][2][three]\n"
              "a,b,notes.txt\t1\tdirectory\n");
}

TEST(Fs, ReadsCountsAndSeeks) {
    EXPECT_EQ(output_of(R"lua(
        local f = fs.open("/f", "w+")
        f:write("abcdef")
        print(f:seek("set", 1), f:read(2), f:read(0), f:seek(), f:seek("end"), f:read(1), f:read(0))
        f:seek("set", 8)
        f:write("z")
        f:close()
        print(#fs.open("/f"):read("a"), fs.stat("/f").size)
        print(fs.open("/f", "r"):read(3, "a"))
    )lua"),
              "1\tbc\t\t3\t6\tnil\tnil\n"
              "9\t9\n" +
                  std::string("abc\tdef\0\0z\n", 11));
}

TEST(Fs, AppendsAndTruncates) {
    EXPECT_EQ(output_of(R"lua(
        local f = fs.open("/log", "a") f:write("1") f:close()
        f = fs.open("/log", "a") f:seek("set", 0) f:write("2") f:close()
        print(fs.open("/log"):read("a"))
        fs.open("/log", "w"):close()
        print(fs.stat("/log").size)
        print(fs.open("/log", "r"):read("a") == "", fs.open("/log", "r"):read("l"))
    )lua"),
              "12\n0\ntrue\tnil\n");
}

TEST(Fs, ConditionsAreNilAndAReason) {
    EXPECT_EQ(output_of(R"lua(
        print(fs.open("/missing"))
        print(fs.open("/missing/x", "w"))
        fs.mkdir("/d")
        print(fs.open("/d"))
        print(fs.open("/d", "w"))
        fs.open("/d/f", "w"):close()
        print(fs.list("/d/f"))
        print(fs.list("/none"))
        print(fs.remove("/d"))
        print(fs.remove("/none"))
        print(fs.mkdir("/d/f"))
        print(fs.rename("/d", "/d/inner"))
        print(fs.copy("/none", "/x"))
        print(fs.open("/a\0b", "w"))
        print(fs.open(("x"):rep(65), "w"))
        print(fs.open("", "w"))
        print(fs.exists("/a\0b"), fs.exists(""))
        local r = fs.open("/d/f")
        print(r:write("x"))
        local w = fs.open("/d/f", "w")
        print(w:read())
    )lua"),
              "nil\tno such file or directory\n"
              "nil\tno such file or directory\n"
              "nil\tis a directory\n"
              "nil\tis a directory\n"
              "nil\tnot a directory\n"
              "nil\tno such file or directory\n"
              "nil\tdirectory not empty\n"
              "nil\tno such file or directory\n"
              "nil\tfile exists\n"
              "nil\tcannot move or copy a directory into itself\n"
              "nil\tno such file or directory\n"
              "nil\tinvalid path: names are printable ASCII without '/' or '\\'\n"
              "nil\tinvalid path: a name is too long\n"
              "nil\tinvalid path: empty\n"
              "false\tfalse\n"
              "nil\tnot open for writing\n"
              "nil\tnot open for reading\n");
}

TEST(Fs, RemovesRenamesAndCopies) {
    EXPECT_EQ(output_of(R"lua(
        fs.mkdir("/src/sub")
        local f = fs.open("/src/sub/a", "w") f:write("hello") f:close()
        print(fs.copy("/src", "/dst"), fs.open("/dst/sub/a"):read("a"))
        print(fs.rename("/dst/sub/a", "/dst/b"), fs.exists("/dst/sub/a"), fs.open("/dst/b"):read("a"))
        print(fs.rename("/src", "/moved"), fs.exists("/src"), fs.exists("/moved/sub/a"))
        print(fs.remove("/moved/sub/a"), fs.remove("/moved", true), fs.exists("/moved"))
        print(table.concat(fs.list("/"), ","))
    )lua"),
              "true\thello\n"
              "true\tfalse\thello\n"
              "true\tfalse\ttrue\n"
              "true\ttrue\tfalse\n"
              "dst\n");
}

TEST(Fs, WorkingDirectoryIsPerProcessAndInherited) {
    Harness h;
    Pid parent = h.spawn(R"lua(
        print(os.getcwd())
        fs.mkdir("/home/me")
        print(os.chdir("home/me"), os.getcwd())
        print(os.chdir("/nope"))
        fs.open("here", "w"):close()
        print(fs.exists("/home/me/here"))
        print(os.chdir(".."), os.getcwd())
        os.chdir("me")
        local child = os.spawn_source("print(os.getcwd(), fs.exists('here'))")
        os.wait(child)
    )lua");
    Pid other = h.spawn("os.sleep(3) print(os.getcwd())");
    h.run();
    // The child's line goes into its parent's output (os.spawn's default).
    EXPECT_EQ(h.exit_of(parent).output,
              "/\ntrue\t/home/me\nnil\tno such file or directory\ntrue\ntrue\t/home\n/home/me\ttrue\n");
    EXPECT_EQ(h.exit_of(other).output, "/\n");
}

TEST(Fs, HandlesLeftOpenAreWrittenWhenTheProcessEnds) {
    Harness h;
    Pid writer = h.spawn(R"lua(
        local f = fs.open("/kept", "w")
        f:write("written before the end")
        local g = fs.open("/failed", "w")
        g:write("also")
        error("boom")
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(writer).status, ProcessStatus::Failed);
    std::string data;
    EXPECT_TRUE(h.os.file_store().read(h.os.stored_id(), "/kept", data));
    EXPECT_EQ(data, "written before the end");
    EXPECT_TRUE(h.os.file_store().read(h.os.stored_id(), "/failed", data));
    EXPECT_EQ(data, "also");
}

// io.open and io.lines reach the VM's files, as fs.open does, and nothing else.
TEST(Fs, IoOpenAndIoLinesAreTheVmsFiles) {
    EXPECT_EQ(output_of(R"lua(
        local f = assert(io.open("/notes", "w"))
        f:write("one\ntwo\n", 3)
        f:close()
        print(fs.open("/notes"):read("a") == "one\ntwo\n3")
        for line in io.lines("/notes") do io.write("[", line, "]") end
        print()
        for chunk in io.lines("notes", 4) do io.write("<", chunk, ">") end
        print()
        print(io.open("/etc/passwd"))
        print(io.open("../../../../etc/hostname", "r"))
        print(io.open("/dir/x", "w"))
        -- leaving the loop early closes the file: the handle limit is not reached
        for i = 1, 40 do
            for line in io.lines("/notes") do break end
        end
        local iterator, _, _, file = io.lines("/notes")
        print(iterator(), iterator(), iterator(), iterator(), tostring(file))
    )lua"),
              "true\n"
              "[one][two][3]\n"
              "<one\n><two\n><3>\n"
              "nil\tno such file or directory\n"
              "nil\tno such file or directory\n"
              "nil\tno such file or directory\n"
              "one\ttwo\t3\tnil\tfile (closed)\n");
}

TEST(Fs, ClosedHandlesRaise) {
    const Exit exit = run_script(R"lua(
        local f = fs.open("/x", "w")
        print(f:close(), tostring(f))
        f:write("late")
    )lua");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.output, "true\tfile (closed)\n");
    EXPECT_NE(exit.error.find("handle:write: attempt to use a closed file"), std::string::npos) << exit.error;
}

class FsBadArguments : public testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(FsBadArguments, RaiseNamingTheFunction) {
    const Exit exit = run_script(GetParam().first);
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_NE(exit.error.find(GetParam().second), std::string::npos) << exit.error;
}

INSTANTIATE_TEST_SUITE_P(
    Calls, FsBadArguments,
    testing::Values(std::pair{"fs.open()", "bad argument #1 to 'fs.open' (string expected, got no value)"},
                    std::pair{"fs.open('/x', 'q')", "bad argument #2 to 'fs.open' (invalid mode 'q')"},
                    std::pair{"fs.open('/x', 'rw')", "bad argument #2 to 'fs.open' (invalid mode 'rw')"},
                    std::pair{"fs.open('/x', 5)", "bad argument #2 to 'fs.open' (string expected, got number)"},
                    std::pair{"fs.open({})", "bad argument #1 to 'fs.open' (string expected, got table)"},
                    std::pair{"fs.list(1)", "bad argument #1 to 'fs.list' (string expected, got number)"},
                    std::pair{"fs.mkdir()", "bad argument #1 to 'fs.mkdir'"},
                    std::pair{"fs.remove('/x', 'yes')", "bad argument #2 to 'fs.remove' (boolean expected"},
                    std::pair{"fs.rename('/x')", "bad argument #2 to 'fs.rename' (string expected"},
                    std::pair{"fs.copy('/x', nil)", "bad argument #2 to 'fs.copy' (string expected"},
                    std::pair{"fs.stat(true)", "bad argument #1 to 'fs.stat'"},
                    std::pair{"fs.exists()", "bad argument #1 to 'fs.exists'"},
                    std::pair{"os.chdir()", "bad argument #1 to 'os.chdir'"},
                    std::pair{"io.open()", "bad argument #1 to 'io.open' (string expected, got no value)"},
                    std::pair{"io.open('/x', 'rw')", "bad argument #2 to 'io.open' (invalid mode 'rw')"},
                    std::pair{"io.lines()", "bad argument #1 to 'io.lines' (file name expected, got no value; stdin "
                                            "is read with io.read)"},
                    std::pair{"io.lines('/nope')", "io.lines: /nope: no such file"},
                    std::pair{"io.lines('/etc/passwd')", "io.lines: /etc/passwd: no such file"},
                    std::pair{"io.lines(('x'):rep(300))", "io.lines: xxxxxxxx"},
                    std::pair{"local f = fs.open('/x', 'w') f:write({})", "bad argument #1 to 'handle:write'"},
                    std::pair{"local f = fs.open('/x', 'w+') f:read('x')", "bad argument #1 to 'handle:read'"},
                    std::pair{"local f = fs.open('/x', 'w+') f:read(-1)", "bad argument #1 to 'handle:read'"},
                    std::pair{"local f = fs.open('/x', 'w') f.write(1)", "bad argument #1 to 'handle:write'"},
                    std::pair{"local f = fs.open('/x', 'w') f:seek('far')", "bad argument #1 to 'seek'"}));

TEST(Fs, TheLibraryIsReadOnlyAndTheHandlesMetatableHidden) {
    EXPECT_EQ(output_of(R"lua(
        print(pcall(function() fs.open = nil end))
        local f = fs.open("/x", "w")
        print(getmetatable(f), pcall(setmetatable, f, {}))
    )lua").substr(0, 5),
              "false");
    EXPECT_EQ(output_of(R"lua(
        local f = fs.open("/x", "w")
        print(getmetatable(f))
    )lua"),
              "false\n");
}

TEST(Fs, LuauScriptsHaveItToo) {
    Harness h;
    const Pid pid = h.os.spawn_process("local f = fs.open('/l', 'w') f:write('luau') f:close() print(fs.open('/l'):read('a'))",
                                       "l.luau", Dialect::Luau)
                        .pid;
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "luau\n");
}

}  // namespace
}  // namespace luaos::test

namespace luaos::test {
namespace {

// Writes `code` into the VM's file `path` as a host would (parents first).
void install_file(Os& os, const std::string& path, std::string_view code) {
    FileStore& store = os.file_store();
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        store.put(os.stored_id(), path.substr(0, slash), NodeKind::Directory, "", 0);
    }
    store.put(os.stored_id(), path, NodeKind::File, code, 0);
}

TEST(Fs, ProgramsAreFiles) {
    Harness h;
    install_file(h.os, "/bin/hello.lua", "print('hello', ...)");
    install_file(h.os, "/bin/typed.luau", "local n: number = 2 print(`typed {n}`)");
    install_file(h.os, "/home/tool", "print('tool', arg[0])");
    const Pid pid = h.spawn(R"lua(
        os.wait(os.spawn("hello", {"a", 1}))
        os.wait(os.spawn("typed"))
        os.wait(os.spawn("/bin/hello.lua", {"by path"}))
        os.chdir("/home")
        os.wait(os.spawn("./tool"))
        print(os.spawn("tool"))
        print(os.spawn("/bin/hello"))
        print(os.spawn("/home"))
        local f = fs.open("/home/broken.lua", "w") f:write("this is not lua") f:close()
        print(os.spawn("./broken.lua"))
    )lua");
    h.run();
    // The children print into their parent's output (os.spawn's default).
    const std::string output = h.exit_of(pid).output;
    EXPECT_EQ(h.exit_of(pid).status, ProcessStatus::Finished) << h.exit_of(pid).error;
    EXPECT_EQ(output.substr(0, output.find("nil\t")), "hello\ta\t1\ntyped 2\nhello\tby path\ntool\t/home/tool\n");
    EXPECT_NE(output.find("nil\tno program named 'tool'\nnil\tno program named '/bin/hello'\n"
                          "nil\tno program named '/home'\nnil\t/home/broken.lua:1:"),
              std::string::npos)
        << output;
}

// A memory store that counts the reads and writes of single nodes it is asked for.
class CountingStore final : public FileStore {
public:
    int stats = 0;
    int writes = 0;

    std::optional<NodeStat> stat(StoredVmId vm, std::string_view path) override {
        ++stats;
        return inner_->stat(vm, path);
    }
    bool read(StoredVmId vm, std::string_view path, std::string& data) override { return inner_->read(vm, path, data); }
    StoreWrite put(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                   std::uint64_t modified) override {
        ++writes;
        return inner_->put(vm, path, kind, data, modified);
    }
    StoreWrite put_replacing(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                             std::uint64_t modified, const std::optional<NodeStat>& was) override {
        ++writes;
        return inner_->put_replacing(vm, path, kind, data, modified, was);
    }
    StoreWrite erase_tree(StoredVmId vm, std::string_view path) override { return inner_->erase_tree(vm, path); }
    StoreWrite move_tree(StoredVmId vm, std::string_view from, std::string_view to) override {
        return inner_->move_tree(vm, from, to);
    }
    void list(StoredVmId vm, std::string_view dir, std::vector<std::string>& names) override {
        inner_->list(vm, dir, names);
    }
    StoreUsage usage_under(StoredVmId vm, std::string_view dir) override { return inner_->usage_under(vm, dir); }
    TreeExtent extent_under(StoredVmId vm, std::string_view dir) override { return inner_->extent_under(vm, dir); }
    StoreUsage usage(StoredVmId vm) override { return inner_->usage(vm); }
    void commit() override { inner_->commit(); }
    StoredVmId create_vm(const std::vector<BootEntry>& boot) override { return inner_->create_vm(boot); }
    std::vector<StoredVmId> vms() override { return inner_->vms(); }
    std::optional<std::vector<BootEntry>> boot_list(StoredVmId vm) override { return inner_->boot_list(vm); }
    StoreWrite set_boot_list(StoredVmId vm, const std::vector<BootEntry>& boot) override {
        return inner_->set_boot_list(vm, boot);
    }
    bool delete_vm(StoredVmId vm) override { return inner_->delete_vm(vm); }

private:
    std::shared_ptr<FileStore> inner_ = make_memory_store();
};

TEST(Fs, WritingAFileIsOneWriteToTheStoreAndOneLookUp) {
    Harness h;
    auto store = std::make_shared<CountingStore>();
    h.os.attach_files(store, store->create_vm({}));
    const Pid pid = h.spawn(R"lua(
        for _, contents in ipairs({"new", "replaced"}) do
            local f = fs.open("/f", "w") f:write(contents) f:close()
        end
        print(fs.open("/f"):read("a"))
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "replaced\n");
    EXPECT_EQ(store->writes, 2) << "one per file written";
    EXPECT_EQ(store->stats, 2) << "one per fs.open";
}

TEST(Fs, OpeningForWritingEmptiesTheFileForTheVmAtOnceAndInTheStoreAtItsClose) {
    Harness h;
    auto store = make_memory_store();
    const StoredVmId id = store->create_vm({});
    h.os.attach_files(store, id);
    ASSERT_EQ(h.os.write_file("/f", "old"), "");
    const Pid pid = h.spawn(R"lua(
        local f = fs.open("/f", "w")
        print(fs.stat("/f").size, fs.open("/f"):read("a") == "", fs.open("/f", "a"):seek())
        local g = fs.open("/g", "w")
        print(fs.exists("/g"), fs.stat("/g").size, fs.free() == fs.free())
        os.yield()
        f:write("new")
        f:close()
        g:close()
    )lua");
    h.tick();
    std::string data;
    EXPECT_TRUE(store->read(id, "/f", data));
    EXPECT_EQ(data, "old") << "the store has the file as of its last write while the handle is open";
    EXPECT_FALSE(store->stat(id, "/g"));
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "0\ttrue\t0\ntrue\t0\ttrue\n");
    EXPECT_TRUE(store->read(id, "/f", data));
    EXPECT_EQ(data, "new");
    EXPECT_TRUE(store->read(id, "/g", data));
    EXPECT_EQ(data, "") << "closed without a write, it is stored empty";
    EXPECT_EQ(store->usage(id).nodes, 2u);
    EXPECT_EQ(store->usage(id).bytes, 3u);
}

TEST(Fs, OneFileRunByManyVmsIsCompiledOnce) {
    Runtime runtime;
    auto store = make_memory_store();
    std::vector<std::unique_ptr<Os>> vms;
    for (int i = 0; i < 20; ++i) {
        vms.push_back(std::make_unique<Os>(runtime));
        vms.back()->attach_files(store, store->create_vm({}));
        install_file(*vms.back(), "/bin/shell.lua", "os.sleep(2)");
        vms.back()->spawn_process("os.spawn('shell') os.sleep(5)", "boot.lua");
    }
    for (int tick = 0; tick < 2; ++tick) {
        for (auto& os : vms) os->tick();
    }
    EXPECT_EQ(RuntimeAccess::chunks(runtime).size(), 2u) << "boot.lua and /bin/shell.lua, each compiled once";
}

}  // namespace
}  // namespace luaos::test
