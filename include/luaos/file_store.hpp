#pragma once
// Where VMs keep their files: a FileStore holds the files of many VMs, each
// under a stable id, with each VM's boot list (the programs it starts).
//
// Two stores come with luaos: in memory (make_memory_store: gone with the
// host process) and SQLite (open_sqlite_store: one database file for every
// VM of the host, docs/storage.md). A Cluster given a store
// (ClusterOptions::store) creates stored VMs in it and opens them again; an
// Os is given its store and id with Os::attach_files; a VM without one gets
// a private in-memory store the first time a script touches a file.
//
// The store is a map from (VM, canonical path) to a node: it does not check
// the tree's shape nor any limit. Scripts reach it through the kernel's fs
// library, which does both (docs/storage.md); a host writing into a VM's
// files directly (installing /bin/shell, say) should do so as a script
// would: parents first, paths canonical ("/" or "/a/b", see FileLimits).
// Every call is thread-safe: a cluster's workers use one store at once.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace luaos {

// A VM's id in its store: stable across restarts of the host.
using StoredVmId = std::uint64_t;

enum class NodeKind : std::uint8_t { File, Directory };

struct NodeStat {
    NodeKind kind = NodeKind::File;
    std::uint64_t size = 0;      // bytes, for a file; 0 for a directory
    std::uint64_t modified = 0;  // the VM's tick of the last write
};

// What one VM stores: bytes of file contents, files and directories.
struct StoreUsage {
    std::uint64_t bytes = 0;
    std::uint64_t nodes = 0;
};

// The longest and the deepest path under a directory (not the directory
// itself), as canonical paths: bytes, and names ("/a/b" has 2). 0 and 0
// when the directory is empty.
struct TreeExtent {
    std::uint64_t longest_path = 0;
    std::uint64_t deepest_path = 0;
};

// A program a VM starts when it boots: a file of the VM and its arguments.
struct BootEntry {
    std::string path;
    std::vector<std::string> args;
    bool operator==(const BootEntry&) const = default;
};

// How a write to the store went. A failed write changes nothing.
enum class StoreWrite : std::uint8_t {
    Ok,
    Full,    // the store's disk (or the database's size) is full
    Failed,  // the store cannot be written: unwritable, corrupt, gone
};
// "store full", "store failed": the reason a script reads.
const char* store_write_text(StoreWrite write);

// The store cannot go on: it cannot be opened, is corrupt, or a commit failed.
// What was committed before stays; the host decides what to do.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class FileStore {
public:
    virtual ~FileStore() = default;

    // --- one VM's files, by canonical path ------------------------------
    virtual std::optional<NodeStat> stat(StoredVmId vm, std::string_view path) = 0;
    // The whole file; false if there is no such file.
    virtual bool read(StoredVmId vm, std::string_view path, std::string& data) = 0;
    // Creates or replaces one node (a directory's data is empty).
    virtual StoreWrite put(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                           std::uint64_t modified) = 0;
    // put, by a caller that knows what `path` holds: `was` is what stat(vm,
    // path) answers now. A store that keeps each VM's usage updates it from
    // `was` instead of looking the node up again (the kernel's file system
    // always knows, so a written file is one statement). By default, put.
    virtual StoreWrite put_replacing(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                                     std::uint64_t modified, const std::optional<NodeStat>& was) {
        (void)was;
        return put(vm, path, kind, data, modified);
    }
    // Removes `path` and everything under it.
    virtual StoreWrite erase_tree(StoredVmId vm, std::string_view path) = 0;
    // Moves `from` and everything under it to `to` (which must not exist).
    virtual StoreWrite move_tree(StoredVmId vm, std::string_view from, std::string_view to) = 0;
    // The names directly under directory `dir`, sorted bytewise.
    virtual void list(StoredVmId vm, std::string_view dir, std::vector<std::string>& names) = 0;
    // What is under `dir` (`dir` itself not counted).
    virtual StoreUsage usage_under(StoredVmId vm, std::string_view dir) = 0;
    // Its longest and deepest descendants (a rename or copy of `dir` keeps
    // their paths within the limits with it).
    virtual TreeExtent extent_under(StoredVmId vm, std::string_view dir) = 0;
    // What the whole VM stores; kept by the store, so cheap.
    virtual StoreUsage usage(StoredVmId vm) = 0;

    // --- durability -------------------------------------------------------
    // Makes every write so far durable, all at once (a cluster calls it after
    // each tick). Throws StoreError when it cannot: the writes since the last
    // commit are then lost, and nothing before them. The SQLite store holds
    // one transaction from its first call after a commit (a read too) to
    // the next commit: a host using a store without a cluster commits when
    // it is done with it, or other programs cannot write the file.
    virtual void commit() = 0;

    // --- stored VMs -------------------------------------------------------
    // A new VM with no files and `boot` as its boot list.
    virtual StoredVmId create_vm(const std::vector<BootEntry>& boot) = 0;
    // Every stored VM, by id.
    virtual std::vector<StoredVmId> vms() = 0;
    // Its boot list; nullopt if there is no such VM.
    virtual std::optional<std::vector<BootEntry>> boot_list(StoredVmId vm) = 0;
    virtual StoreWrite set_boot_list(StoredVmId vm, const std::vector<BootEntry>& boot) = 0;
    // Deletes the VM and all its files; false if there is none.
    virtual bool delete_vm(StoredVmId vm) = 0;
};

// A store in the host's memory: fast, and gone with the process.
std::shared_ptr<FileStore> make_memory_store();

struct SqliteStoreOptions {
    // Bytes the database file may grow to; 0: as much as the disk holds.
    // Past it, writes answer StoreWrite::Full.
    std::uint64_t max_bytes = 0;
};

// The SQLite store in the database file `path`, created if missing
// (docs/storage.md). Throws StoreError when the file cannot be opened or is
// not a luaos store.
std::shared_ptr<FileStore> open_sqlite_store(const std::string& path, const SqliteStoreOptions& options = {});

}  // namespace luaos
