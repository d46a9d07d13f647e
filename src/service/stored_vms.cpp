#include "service/stored_vms.hpp"

#include "luaos/os.hpp"
#include "luaos/vm.hpp"
#include "service/request_fields.hpp"

namespace luaos::service {
namespace {

constexpr std::string_view kBootDir = "/boot/";
constexpr std::string_view kLuauSuffix = ".luau";
constexpr std::size_t kMaxStoredName = 200;

bool is_file_name(std::string_view name) {
    if (name.empty() || name == "." || name == ".." || name.size() > kMaxStoredName) return false;
    for (char c : name) {
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
    }
    return true;
}

}  // namespace

std::string stored_program_path(const Program& program) {
    if (!is_file_name(program.name)) {
        throw bad_request("with --store, a program's name is kept as a file name: '" + program.name.substr(0, 64) +
                          "' cannot be one (no '/', no control characters, at most 200 bytes)");
    }
    const bool luau_name = program.name.ends_with(kLuauSuffix);
    if (program.dialect == Dialect::Lua && luau_name) {
        throw bad_request("with --store, a Lua program's name may not end in .luau (its file would boot as Luau)");
    }
    const bool add_suffix = program.dialect == Dialect::Luau && !luau_name;
    return std::string(kBootDir) + program.name + (add_suffix ? std::string(kLuauSuffix) : std::string());
}

StoredVms::StoredVms(Cluster& cluster, VmTable& vms) : cluster_(cluster), vms_(vms), store_(cluster.store()) {}

std::string StoredVms::keep(VmId id, VirtualMachine& vm, const std::vector<std::shared_ptr<const Program>>& programs,
                            const std::vector<BootEntry>& boot) {
    if (!enabled()) return {};
    const StoredVmId stored = store_->create_vm(boot);
    stored_[id] = stored;  // deleted again if the create fails
    vm.os().attach_files(store_, stored);
    for (const auto& program : programs) {
        const std::string why = vm.os().write_file(stored_program_path(*program), program->code);
        if (!why.empty()) return "cannot keep the program '" + program->name + "': " + why;
    }
    return {};
}

void StoredVms::removed(VmId id, const std::string& reason) {
    const auto found = stored_.find(id);
    if (found == stored_.end()) return;
    // Stopped with its node: kept, to boot again with the next one.
    if (reason != "node_stopped") store_->delete_vm(found->second);
    stored_.erase(found);
}

std::size_t StoredVms::restore() {
    if (!enabled()) return 0;
    std::size_t restored = 0;
    for (const StoredVmId id : store_->vms()) {
        const VmId vm_id = vms_.create(/*keep_when_empty=*/true);
        VirtualMachine& vm = *vms_.find(vm_id);
        stored_[vm_id] = id;
        vm.os().attach_files(store_, id);
        install_boot_programs(vm, id);
        vm.os().boot();
        ++restored;
    }
    return restored;
}

void StoredVms::install_boot_programs(VirtualMachine& vm, StoredVmId id) {
    std::vector<std::string> names;
    store_->list(id, "/boot", names);
    for (const std::string& file : names) {
        Program program;
        const std::string path = std::string(kBootDir) + file;
        if (!store_->read(id, path, program.code)) continue;  // a directory
        program.dialect = file.ends_with(kLuauSuffix) ? Dialect::Luau : Dialect::Lua;
        program.name = program.dialect == Dialect::Luau ? file.substr(0, file.size() - kLuauSuffix.size()) : file;
        program.chunk_name = path;
        vm.os().install_program(std::make_shared<const Program>(std::move(program)));
    }
}

void StoredVms::commit() {
    if (enabled()) store_->commit();
}

}  // namespace luaos::service
