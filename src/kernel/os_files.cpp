#include "kernel/os_files.hpp"

#include "kernel/kernel_access.hpp"
#include "kernel/os_bookkeeping.hpp"
#include "kernel/shared_kernel.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "store/path.hpp"

namespace luaos {
namespace {

// A private store holds one VM, under this id.
constexpr StoredVmId kPrivateVm = 1;

}  // namespace

VmFiles& os_files(Os& os) {
    OsBookkeeping& bookkeeping = KernelAccess::bookkeeping(os);
    if (!bookkeeping.files) os.attach_files(make_memory_store(), kPrivateVm);
    return bookkeeping.files->files;
}

void Os::attach_files(std::shared_ptr<FileStore> store, StoredVmId id) {
    FileStore& files = *store;
    const FileLimits& limits = SharedKernel::of(runtime_).options.file_limits;
    bookkeeping().files = std::make_unique<OsFiles>(OsFiles{std::move(store), VmFiles(files, id, limits)});
}

FileStore& Os::file_store() { return os_files(*this).store(); }

StoredVmId Os::stored_id() { return os_files(*this).id(); }

namespace {

// `path` resolved from the root; the reason when it is not absolute or not valid.
std::string resolve_host_path(const Os& os, std::string_view path, std::string& resolved) {
    if (path.empty() || path.front() != '/') return "invalid path: the host writes absolute paths";
    const PathError error = path_resolve("/", path, SharedKernel::of(os.runtime()).options.file_limits, resolved);
    return error == PathError::None ? std::string() : path_error_text(error);
}

}  // namespace

std::string Os::write_file(std::string_view path, std::string_view contents) {
    std::string resolved;
    if (std::string why = resolve_host_path(*this, path, resolved); !why.empty()) return why;
    VmFiles& files = os_files(*this);
    if (const char* why = files.make_directory(path_parent(resolved), ticks_)) return why;
    const char* why = files.write(resolved, contents, ticks_);
    return why != nullptr ? why : "";
}

SpawnResult Os::spawn_file(std::string_view path, const SpawnOptions& options) {
    std::string resolved;
    std::string code;
    if (std::string why = resolve_host_path(*this, path, resolved); !why.empty()) return {0, why};
    if (os_files(*this).read(resolved, code) != nullptr) return {0, "no such file: " + resolved};
    SpawnOptions file_options = options;
    file_options.set_arg = true;
    file_options.dialect = resolved.ends_with(".luau") ? Dialect::Luau : Dialect::Lua;
    return spawn_process(code, resolved, file_options);
}

std::vector<SpawnResult> Os::boot() {
    VmFiles& files = os_files(*this);
    std::vector<SpawnResult> spawned;
    for (const BootEntry& entry : files.store().boot_list(files.id()).value_or(std::vector<BootEntry>{})) {
        SpawnOptions options;
        options.args = entry.args;
        spawned.push_back(spawn_file(entry.path, options));
    }
    return spawned;
}

}  // namespace luaos
