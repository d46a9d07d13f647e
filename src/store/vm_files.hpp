#pragma once
// One VM's file system as scripts see it: a tree with the rules and limits
// of docs/storage.md, over the VM's nodes in a FileStore.
//
// The store keeps nodes by canonical path and knows nothing of trees; this
// class keeps the tree whole: a node is only ever created under an existing
// directory, so every ancestor of a node exists and is a directory, and
// checking a path's parent is enough. Limits are checked before the store
// is asked, so a refused call changes nothing; the store itself may still
// refuse a write (full, failed), which is reported the same way.
//
// Truncation is lazy. fs.open(path, "w") empties a file at once for the
// VM, but the store would see it twice (empty now, then its contents at
// close), with a look-up before each write. So truncate() writes nothing:
// it notes the path with what the store holds there, and this VM's calls
// see an empty file (stat, read, the usage its limits are checked against).
// The next write of the path (the handle's flush or close) replaces what
// the store holds without looking it up again: one statement per written
// file. Calls over trees (list, mkdir, remove, rename, copy) first store the
// noted files empty, so the store's range queries see them. Until then the
// store keeps the file as of its last write, which is what a crash finds:
// never the emptied file of a handle still open. The notes are few (one
// per handle opened for writing and not yet written) and only this VM's:
// every write of its files goes through here.
//
// Paths given here are canonical (store/path.hpp). A call answers nullptr
// when done, or the reason it was not, for the script: "no such file or
// directory", "quota full", ...

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "luaos/file_limits.hpp"
#include "luaos/file_store.hpp"

namespace luaos {

// Each reason is one array, so that every file compares the same address.
namespace fs_reason {
inline constexpr char kNoSuchFile[] = "no such file or directory";
inline constexpr char kNotADirectory[] = "not a directory";
inline constexpr char kIsADirectory[] = "is a directory";
inline constexpr char kExists[] = "file exists";
inline constexpr char kNotEmpty[] = "directory not empty";
inline constexpr char kQuotaFull[] = "quota full";
inline constexpr char kTooManyFiles[] = "too many files";
inline constexpr char kFileTooLarge[] = "file too large";
inline constexpr char kIntoItself[] = "cannot move or copy a directory into itself";
inline constexpr char kRoot[] = "the root directory cannot be removed or moved";
}  // namespace fs_reason

class VmFiles {
public:
    using Result = const char*;  // nullptr: done

    VmFiles(FileStore& store, StoredVmId vm, const FileLimits& limits) : store_(store), vm_(vm), limits_(limits) {}

    std::optional<NodeStat> stat(std::string_view path);
    Result read(std::string_view path, std::string& data);
    // Creates or replaces the file at `path`, whole.
    Result write(std::string_view path, std::string_view data, std::uint64_t tick);
    // Empties the file at `path`, or creates it empty (fs.open's "w"): at
    // once for this VM, in the store at its next write (see above).
    Result truncate(std::string_view path, std::uint64_t tick);
    // Stores the file at `path` empty if truncate() left it so and nothing
    // wrote it since (a handle closed without a write).
    Result write_truncated(std::string_view path);
    // Whether a file at `path` that held `old_size` bytes may grow to `new_size`.
    Result check_size(std::uint64_t old_size, std::uint64_t new_size);
    // Creates the directory and any missing parents; an existing directory is fine.
    Result make_directory(std::string_view path, std::uint64_t tick);
    Result remove(std::string_view path, bool recursive);
    Result rename(std::string_view from, std::string_view to);
    // Copies a file, or a directory with everything under it; `bytes` is what was copied.
    Result copy(std::string_view from, std::string_view to, std::uint64_t tick, std::uint64_t& bytes);
    Result list(std::string_view path, std::vector<std::string>& names);
    // Bytes left in the VM's quota.
    std::uint64_t free();

    FileStore& store() const { return store_; }
    StoredVmId id() const { return vm_; }
    const FileLimits& limits() const { return limits_; }

private:
    // A file emptied by truncate() and not written since: what the store
    // holds at `path` (nothing, or the file as it was), and the tick.
    struct Truncated {
        std::string path;
        std::optional<NodeStat> stored;
        std::uint64_t tick = 0;
    };

    Truncated* find_truncated(std::string_view path);
    // Removes `file` from the truncated files and returns it.
    Truncated take(Truncated& file);
    // Writes every truncated file to the store, empty (before a call over trees).
    Result store_truncated();
    // The VM's usage as its calls see it: the store's, with the truncated files.
    StoreUsage usage();
    // Whether a file of `size` bytes may be written at `path`, which holds `node`.
    Result check_write(std::string_view path, const std::optional<NodeStat>& node, std::uint64_t size);
    // Whether `path` may be created: its parent is a directory and it does not exist.
    Result check_new(std::string_view path);
    Result check_room(std::uint64_t nodes, std::uint64_t bytes);
    // Whether what is under directory `from` keeps its paths within the
    // limits once moved or copied to `to`.
    Result check_paths_moved(std::string_view from, std::string_view to);
    Result copy_tree(std::string_view from, std::string_view to, std::uint64_t tick, std::uint64_t& bytes);

    FileStore& store_;
    StoredVmId vm_;
    const FileLimits& limits_;
    std::vector<Truncated> truncated_;
};

}  // namespace luaos
