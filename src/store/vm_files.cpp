#include "store/vm_files.hpp"

#include <algorithm>

#include "store/path.hpp"

namespace luaos {

using namespace fs_reason;

namespace {

VmFiles::Result written(StoreWrite write) { return write == StoreWrite::Ok ? nullptr : store_write_text(write); }

// Names in a canonical path: "/" has none, "/a/b" two.
std::uint64_t depth_of(std::string_view canonical) {
    return canonical == "/" ? 0 : static_cast<std::uint64_t>(std::count(canonical.begin(), canonical.end(), '/'));
}

}  // namespace

VmFiles::Truncated* VmFiles::find_truncated(std::string_view path) {
    for (Truncated& file : truncated_) {
        if (file.path == path) return &file;
    }
    return nullptr;
}

VmFiles::Truncated VmFiles::take(Truncated& file) {
    Truncated taken = std::move(file);
    truncated_.erase(truncated_.begin() + (&file - truncated_.data()));
    return taken;
}

VmFiles::Result VmFiles::store_truncated() {
    Result why = nullptr;
    for (const Truncated& file : truncated_) {
        const Result failed = written(store_.put_replacing(vm_, file.path, NodeKind::File, {}, file.tick, file.stored));
        if (why == nullptr) why = failed;
    }
    truncated_.clear();
    return why;
}

StoreUsage VmFiles::usage() {
    StoreUsage usage = store_.usage(vm_);
    for (const Truncated& file : truncated_) {
        if (file.stored) {
            usage.bytes -= file.stored->size;
        } else {
            ++usage.nodes;
        }
    }
    return usage;
}

std::optional<NodeStat> VmFiles::stat(std::string_view path) {
    if (path == "/") return NodeStat{NodeKind::Directory, 0, 0};
    if (const Truncated* file = find_truncated(path)) return NodeStat{NodeKind::File, 0, file->tick};
    return store_.stat(vm_, path);
}

VmFiles::Result VmFiles::read(std::string_view path, std::string& data) {
    if (find_truncated(path) != nullptr) {
        data.clear();
        return nullptr;
    }
    if (store_.read(vm_, path, data)) return nullptr;
    const std::optional<NodeStat> node = stat(path);
    return node ? kIsADirectory : kNoSuchFile;
}

VmFiles::Result VmFiles::check_room(std::uint64_t nodes, std::uint64_t bytes) {
    const StoreUsage usage = this->usage();
    if (nodes > 0 && usage.nodes + nodes > limits_.max_nodes) return kTooManyFiles;
    if (bytes > 0 && usage.bytes + bytes > limits_.total_bytes) return kQuotaFull;
    return nullptr;
}

VmFiles::Result VmFiles::check_size(std::uint64_t old_size, std::uint64_t new_size) {
    if (new_size > limits_.file_bytes) return kFileTooLarge;
    if (new_size <= old_size) return nullptr;
    return check_room(0, new_size - old_size);
}

VmFiles::Result VmFiles::check_new(std::string_view path) {
    if (path == "/") return kExists;
    const std::optional<NodeStat> parent = stat(path_parent(path));
    if (!parent) return kNoSuchFile;
    if (parent->kind != NodeKind::Directory) return kNotADirectory;
    if (store_.stat(vm_, path)) return kExists;
    return nullptr;
}

VmFiles::Result VmFiles::check_write(std::string_view path, const std::optional<NodeStat>& node, std::uint64_t size) {
    if (node) {
        if (node->kind == NodeKind::Directory) return kIsADirectory;
        return check_size(node->size, size);
    }
    const std::optional<NodeStat> parent = stat(path_parent(path));
    if (!parent) return kNoSuchFile;
    if (parent->kind != NodeKind::Directory) return kNotADirectory;
    if (size > limits_.file_bytes) return kFileTooLarge;
    return check_room(1, size);
}

VmFiles::Result VmFiles::write(std::string_view path, std::string_view data, std::uint64_t tick) {
    if (path == "/") return kIsADirectory;
    Truncated* truncated = find_truncated(path);
    if (truncated == nullptr) {
        const std::optional<NodeStat> node = store_.stat(vm_, path);
        if (Result why = check_write(path, node, data.size())) return why;
        return written(store_.put_replacing(vm_, path, NodeKind::File, data, tick, node));
    }
    // An emptied file, as the VM sees it (so its size is checked from 0,
    // its old bytes already free); the store still has `stored`.
    Result why = check_size(0, data.size());
    const Truncated file = take(*truncated);
    if (why == nullptr) why = written(store_.put_replacing(vm_, path, NodeKind::File, data, tick, file.stored));
    // Not written: the store gets the file as the VM saw it last, empty.
    if (why != nullptr) store_.put_replacing(vm_, path, NodeKind::File, {}, file.tick, file.stored);
    return why;
}

VmFiles::Result VmFiles::write_truncated(std::string_view path) {
    Truncated* truncated = find_truncated(path);
    if (truncated == nullptr) return nullptr;
    const Truncated file = take(*truncated);
    return written(store_.put_replacing(vm_, file.path, NodeKind::File, {}, file.tick, file.stored));
}

VmFiles::Result VmFiles::truncate(std::string_view path, std::uint64_t tick) {
    if (path == "/") return kIsADirectory;
    if (Truncated* file = find_truncated(path)) {
        file->tick = tick;
        return nullptr;
    }
    const std::optional<NodeStat> stored = store_.stat(vm_, path);
    if (Result why = check_write(path, stored, 0)) return why;
    truncated_.push_back(Truncated{std::string(path), stored, tick});
    return nullptr;
}

VmFiles::Result VmFiles::make_directory(std::string_view path, std::uint64_t tick) {
    if (Result why = store_truncated()) return why;
    // The names from `missing` on do not exist yet: room for all of them is
    // checked before the first is made, so that a refusal makes none.
    std::size_t missing = std::string_view::npos;
    std::uint64_t count = 0;
    for (std::size_t at = 0; at != std::string_view::npos;) {
        at = path.find('/', at + 1);
        const std::string_view prefix = path.substr(0, at);
        if (missing == std::string_view::npos) {
            const std::optional<NodeStat> node = stat(prefix);
            if (node) {
                if (node->kind != NodeKind::Directory) return at == std::string_view::npos ? kExists : kNotADirectory;
                continue;
            }
            missing = prefix.size();
        }
        ++count;
    }
    if (count == 0) return nullptr;
    if (Result why = check_room(count, 0)) return why;
    for (std::size_t at = path.find('/', missing); ; at = path.find('/', at + 1)) {
        const std::string_view made = path.substr(0, at);
        if (Result why = written(store_.put_replacing(vm_, made, NodeKind::Directory, {}, tick, std::nullopt))) {
            return why;
        }
        if (at == std::string_view::npos) break;
    }
    return nullptr;
}

VmFiles::Result VmFiles::remove(std::string_view path, bool recursive) {
    if (path == "/") return kRoot;
    if (Result why = store_truncated()) return why;
    const std::optional<NodeStat> node = store_.stat(vm_, path);
    if (!node) return kNoSuchFile;
    if (node->kind == NodeKind::Directory && !recursive && store_.usage_under(vm_, path).nodes > 0) return kNotEmpty;
    return written(store_.erase_tree(vm_, path));
}

VmFiles::Result VmFiles::check_paths_moved(std::string_view from, std::string_view to) {
    const TreeExtent extent = store_.extent_under(vm_, from);
    if (extent.longest_path == 0) return nullptr;
    if (extent.longest_path - from.size() + to.size() > limits_.path_bytes) return path_error_text(PathError::TooLong);
    if (extent.deepest_path - depth_of(from) + depth_of(to) > limits_.path_depth) {
        return path_error_text(PathError::TooDeep);
    }
    return nullptr;
}

VmFiles::Result VmFiles::rename(std::string_view from, std::string_view to) {
    if (from == "/" || to == "/") return kRoot;
    if (Result why = store_truncated()) return why;
    const std::optional<NodeStat> node = store_.stat(vm_, from);
    if (!node) return kNoSuchFile;
    if (from == to) return nullptr;
    if (path_is_within(to, from)) return kIntoItself;
    if (Result why = check_new(to)) return why;
    if (node->kind == NodeKind::Directory) {
        if (Result why = check_paths_moved(from, to)) return why;
    }
    return written(store_.move_tree(vm_, from, to));
}

VmFiles::Result VmFiles::copy(std::string_view from, std::string_view to, std::uint64_t tick, std::uint64_t& bytes) {
    bytes = 0;
    if (Result why = store_truncated()) return why;
    const std::optional<NodeStat> node = stat(from);
    if (!node) return kNoSuchFile;
    if (path_is_within(to, from)) return kIntoItself;
    if (Result why = check_new(to)) return why;
    if (node->kind == NodeKind::File) {
        if (Result why = check_room(1, node->size)) return why;
    } else {
        if (Result why = check_paths_moved(from, to)) return why;
        const StoreUsage under = store_.usage_under(vm_, from);
        if (Result why = check_room(under.nodes + 1, under.bytes)) return why;
    }
    return copy_tree(from, to, tick, bytes);
}

VmFiles::Result VmFiles::copy_tree(std::string_view from, std::string_view to, std::uint64_t tick,
                                   std::uint64_t& bytes) {
    std::string data;
    if (store_.read(vm_, from, data)) {
        bytes += data.size();
        return written(store_.put_replacing(vm_, to, NodeKind::File, data, tick, std::nullopt));
    }
    if (Result why = written(store_.put_replacing(vm_, to, NodeKind::Directory, {}, tick, std::nullopt))) return why;
    std::vector<std::string> names;
    store_.list(vm_, from, names);
    for (const std::string& name : names) {
        if (Result why = copy_tree(path_join(from, name), path_join(to, name), tick, bytes)) return why;
    }
    return nullptr;
}

VmFiles::Result VmFiles::list(std::string_view path, std::vector<std::string>& names) {
    if (Result why = store_truncated()) return why;
    const std::optional<NodeStat> node = stat(path);
    if (!node) return kNoSuchFile;
    if (node->kind != NodeKind::Directory) return kNotADirectory;
    store_.list(vm_, path, names);
    return nullptr;
}

std::uint64_t VmFiles::free() {
    const std::uint64_t used = usage().bytes;
    return used >= limits_.total_bytes ? 0 : limits_.total_bytes - used;
}

}  // namespace luaos
