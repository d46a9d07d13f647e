#include "kernel/os_files.hpp"

#include "kernel/kernel_state.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"

namespace luaos {
namespace {

// A private store holds one VM, under this id.
constexpr StoredVmId kPrivateVm = 1;

}  // namespace

VmFiles& os_files(Os& os) {
    OsKernel& kernel = os.kernel();
    if (!kernel.files) os.attach_files(make_memory_store(), kPrivateVm);
    return kernel.files->files;
}

void Os::attach_files(std::shared_ptr<FileStore> store, StoredVmId id) {
    FileStore& files = *store;
    kernel().files = std::make_unique<OsFiles>(OsFiles{std::move(store), VmFiles(files, id, runtime_.options().file_limits)});
}

FileStore& Os::file_store() { return os_files(*this).store(); }

StoredVmId Os::stored_id() { return os_files(*this).id(); }

}  // namespace luaos
