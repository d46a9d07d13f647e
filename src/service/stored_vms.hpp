#pragma once
// A node's VMs kept in a store (`luaos serve --store FILE`, issue 22's
// FileStore): a node restarted on the same store boots them again.
//
// A VM created while the node has a store is a stored VM: each program of
// the create is kept as the file /boot/<name> (/boot/<name>.luau for Luau),
// and the boot list is those files with the create's arguments, so that
// Os::boot() starts the same processes again. Its files are the store's, so
// whatever its scripts write is kept too; the store commits after every tick
// (a node killed outright loses the last tick's writes at most).
//
// A VM leaves the store when it leaves the node for good: destroyed, or
// finished (created with "keep": false). A node that stops cleanly keeps
// its VMs stored (their processes are killed, their files stay), and one
// that dies keeps them as the last commit left them: either way, the next
// node started on that store creates each of them again (new VM ids and
// UUIDs), installs its /boot programs under their names (without .luau) and
// boots it (docs/serve.md, "Restarting on a store").

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "luaos/cluster.hpp"
#include "luaos/file_store.hpp"
#include "service/vm_table.hpp"

namespace luaos::service {

// Where a program of a create is kept; throws RequestError (bad_request)
// when its name cannot be a file name (empty, ".", "..", '/', control
// characters, over 200 bytes, or a Lua program's ending in .luau).
std::string stored_program_path(const Program& program);

class StoredVms {
public:
    // `store` may be null: then nothing is kept and nothing restored.
    StoredVms(Cluster& cluster, VmTable& vms);
    bool enabled() const { return store_ != nullptr; }

    // A VM of the table just created by the control API: keeps its
    // programs and boot list. Empty when kept, else why not (the caller
    // destroys the VM).
    std::string keep(VmId id, VirtualMachine& vm, const std::vector<std::shared_ptr<const Program>>& programs,
                     const std::vector<BootEntry>& boot);
    // Tick thread: a VM of the table left (why: the VmTable's reason). One
    // that left for good is deleted from the store.
    void removed(VmId id, const std::string& reason);
    // Once, before serving: every VM of the store created again and booted.
    // The number restored.
    std::size_t restore();
    // Makes what was done since the last tick durable (a stop has no tick after it).
    void commit();

private:
    void install_boot_programs(VirtualMachine& vm, StoredVmId id);

    Cluster& cluster_;
    VmTable& vms_;
    std::shared_ptr<FileStore> store_;
    std::unordered_map<VmId, StoredVmId> stored_;  // tick thread
};

}  // namespace luaos::service
