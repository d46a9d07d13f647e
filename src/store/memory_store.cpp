// The in-memory store: each VM's nodes in a map ordered by canonical path, so
// that a directory's descendants are one contiguous range ("/a/" up to, not
// including, "/a0": '0' follows '/' in ASCII). One mutex guards it all: a
// call holds it for one map operation, and a cluster's workers rarely meet there.

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <unordered_map>

#include "luaos/file_store.hpp"
#include "store/path.hpp"

namespace luaos {
namespace {

struct Node {
    NodeKind kind = NodeKind::File;
    std::uint64_t modified = 0;
    std::string data;
};

struct VmTree {
    std::map<std::string, Node, std::less<>> nodes;
    StoreUsage usage;
    std::optional<std::vector<BootEntry>> boot;  // set for VMs made by create_vm
};

// The first key past every descendant of `dir` ("/a" -> "/a0"), and the
// first descendant's lower bound ("/a/"); the root's range is everything but "/".
std::string descendants_begin(std::string_view dir) { return dir == "/" ? std::string("/") : std::string(dir) + "/"; }
std::string descendants_end(std::string_view dir) { return dir == "/" ? std::string("0") : std::string(dir) + "0"; }

class MemoryStore final : public FileStore {
public:
    std::optional<NodeStat> stat(StoredVmId vm, std::string_view path) override {
        std::lock_guard lock(mutex_);
        const Node* node = find(vm, path);
        if (node == nullptr) return std::nullopt;
        return NodeStat{node->kind, node->data.size(), node->modified};
    }

    bool read(StoredVmId vm, std::string_view path, std::string& data) override {
        std::lock_guard lock(mutex_);
        const Node* node = find(vm, path);
        if (node == nullptr || node->kind != NodeKind::File) return false;
        data = node->data;
        return true;
    }

    StoreWrite put(StoredVmId vm, std::string_view path, NodeKind kind, std::string_view data,
                   std::uint64_t modified) override {
        std::lock_guard lock(mutex_);
        VmTree& tree = vms_[vm];
        auto [at, created] = tree.nodes.try_emplace(std::string(path));
        if (created) {
            ++tree.usage.nodes;
        } else {
            tree.usage.bytes -= at->second.data.size();
        }
        at->second.kind = kind;
        at->second.modified = modified;
        at->second.data.assign(data);
        tree.usage.bytes += data.size();
        return StoreWrite::Ok;
    }

    StoreWrite erase_tree(StoredVmId vm, std::string_view path) override {
        std::lock_guard lock(mutex_);
        VmTree* tree = find_tree(vm);
        if (tree == nullptr) return StoreWrite::Ok;
        if (const auto node = tree->nodes.find(path); node != tree->nodes.end()) {
            erase_range(*tree, node, std::next(node));
        }
        erase_range(*tree, tree->nodes.lower_bound(descendants_begin(path)),
                    tree->nodes.lower_bound(descendants_end(path)));
        return StoreWrite::Ok;
    }

    StoreWrite move_tree(StoredVmId vm, std::string_view from, std::string_view to) override {
        std::lock_guard lock(mutex_);
        VmTree* tree = find_tree(vm);
        if (tree == nullptr) return StoreWrite::Ok;
        std::vector<std::pair<std::string, Node>> moved;
        if (auto node = tree->nodes.find(from); node != tree->nodes.end()) {
            moved.emplace_back(std::string(to), std::move(node->second));
            tree->nodes.erase(node);
        }
        const auto last = tree->nodes.lower_bound(descendants_end(from));
        for (auto at = tree->nodes.lower_bound(descendants_begin(from)); at != last;) {
            moved.emplace_back(std::string(to) + at->first.substr(from.size()), std::move(at->second));
            at = tree->nodes.erase(at);
        }
        for (auto& [path, node] : moved) tree->nodes.insert_or_assign(std::move(path), std::move(node));
        return StoreWrite::Ok;
    }

    void list(StoredVmId vm, std::string_view dir, std::vector<std::string>& names) override {
        std::lock_guard lock(mutex_);
        names.clear();
        VmTree* tree = find_tree(vm);
        if (tree == nullptr) return;
        const std::string prefix = descendants_begin(dir);
        const auto last = tree->nodes.lower_bound(descendants_end(dir));
        for (auto at = tree->nodes.lower_bound(prefix); at != last; ++at) {
            const std::string_view rest = std::string_view(at->first).substr(prefix.size());
            if (rest.find('/') == std::string_view::npos) names.emplace_back(rest);
        }
    }

    StoreUsage usage_under(StoredVmId vm, std::string_view dir) override {
        StoreUsage usage;
        for_each_under(vm, dir, [&](const std::string&, const Node& node) {
            ++usage.nodes;
            usage.bytes += node.data.size();
        });
        return usage;
    }

    TreeExtent extent_under(StoredVmId vm, std::string_view dir) override {
        TreeExtent extent;
        for_each_under(vm, dir, [&](const std::string& path, const Node&) {
            const auto depth = static_cast<std::uint64_t>(std::count(path.begin(), path.end(), '/'));
            extent.longest_path = std::max<std::uint64_t>(extent.longest_path, path.size());
            extent.deepest_path = std::max(extent.deepest_path, depth);
        });
        return extent;
    }

    StoreUsage usage(StoredVmId vm) override {
        std::lock_guard lock(mutex_);
        VmTree* tree = find_tree(vm);
        return tree != nullptr ? tree->usage : StoreUsage{};
    }

    void commit() override {}

    StoredVmId create_vm(const std::vector<BootEntry>& boot) override {
        std::lock_guard lock(mutex_);
        const StoredVmId id = ++last_id_;
        vms_[id].boot = boot;
        return id;
    }

    std::vector<StoredVmId> vms() override {
        std::lock_guard lock(mutex_);
        std::vector<StoredVmId> ids;
        for (const auto& [id, tree] : vms_) {
            if (tree.boot) ids.push_back(id);
        }
        std::sort(ids.begin(), ids.end());
        return ids;
    }

    std::optional<std::vector<BootEntry>> boot_list(StoredVmId vm) override {
        std::lock_guard lock(mutex_);
        VmTree* tree = find_tree(vm);
        if (tree == nullptr) return std::nullopt;
        return tree->boot;
    }

    StoreWrite set_boot_list(StoredVmId vm, const std::vector<BootEntry>& boot) override {
        std::lock_guard lock(mutex_);
        vms_[vm].boot = boot;
        return StoreWrite::Ok;
    }

    bool delete_vm(StoredVmId vm) override {
        std::lock_guard lock(mutex_);
        return vms_.erase(vm) != 0;
    }

private:
    VmTree* find_tree(StoredVmId vm) {
        const auto tree = vms_.find(vm);
        return tree != vms_.end() ? &tree->second : nullptr;
    }

    // Calls visit(path, node) for each node under `dir`, in path order.
    template <typename Visit>
    void for_each_under(StoredVmId vm, std::string_view dir, Visit visit) {
        std::lock_guard lock(mutex_);
        VmTree* tree = find_tree(vm);
        if (tree == nullptr) return;
        const auto last = tree->nodes.lower_bound(descendants_end(dir));
        for (auto at = tree->nodes.lower_bound(descendants_begin(dir)); at != last; ++at) visit(at->first, at->second);
    }

    const Node* find(StoredVmId vm, std::string_view path) {
        VmTree* tree = find_tree(vm);
        if (tree == nullptr) return nullptr;
        const auto node = tree->nodes.find(path);
        return node != tree->nodes.end() ? &node->second : nullptr;
    }

    using Iterator = std::map<std::string, Node, std::less<>>::iterator;
    static void erase_range(VmTree& tree, Iterator first, Iterator last) {
        for (auto at = first; at != last; ++at) {
            --tree.usage.nodes;
            tree.usage.bytes -= at->second.data.size();
        }
        tree.nodes.erase(first, last);
    }

    std::mutex mutex_;
    std::unordered_map<StoredVmId, VmTree> vms_;
    StoredVmId last_id_ = 0;
};

}  // namespace

const char* store_write_text(StoreWrite write) {
    switch (write) {
        case StoreWrite::Ok: return "written";
        case StoreWrite::Full: return "store full";
        case StoreWrite::Failed: return "store failed";
    }
    return "store failed";
}

std::shared_ptr<FileStore> make_memory_store() { return std::make_shared<MemoryStore>(); }

}  // namespace luaos
