#include "kernel/process_files.hpp"

#include <lua.hpp>

#include "kernel/file_handle.hpp"
#include "kernel/kernel_access.hpp"
#include "kernel/process_api_state.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"

namespace luaos {

ProcessFiles& process_files(Process& process) {
    ProcessApiState& io = KernelAccess::ensure_api_state(process);
    if (!io.files) io.files = std::make_unique<ProcessFiles>();
    return *io.files;
}

std::string_view process_cwd(const Process& process) {
    const ProcessApiState* io = KernelAccess::api_state(process);
    return io != nullptr && io->files ? std::string_view(io->files->cwd) : std::string_view("/");
}

void process_files_inherit(const Process& parent, Process& child) {
    const std::string_view cwd = process_cwd(parent);
    if (cwd != "/") process_files(child).cwd = cwd;
}

void process_files_close_all(Process& process) {
    ProcessApiState* io = KernelAccess::api_state(process);
    if (io == nullptr || !io->files) return;
    lua_State* L = process.os().runtime().lua();
    while (io->files->open != nullptr) file_handle_close_at_end(L, *io->files->open);
}

}  // namespace luaos
