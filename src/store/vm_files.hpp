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
};

}  // namespace luaos
