#include "kernel/process_files.hpp"

#include <lua.hpp>

#include "kernel/file_handle.hpp"
#include "kernel/process_io.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"

namespace luaos {

ProcessFiles& process_files(Process& process) {
    ProcessIo& io = process.ensure_io();
    if (!io.files) io.files = std::make_unique<ProcessFiles>();
    return *io.files;
}

std::string_view process_cwd(const Process& process) {
    const ProcessIo* io = process.io();
    return io != nullptr && io->files ? std::string_view(io->files->cwd) : std::string_view("/");
}

void process_files_inherit(const Process& parent, Process& child) {
    const std::string_view cwd = process_cwd(parent);
    if (cwd != "/") process_files(child).cwd = cwd;
}

void process_files_close_all(Process& process) {
    ProcessIo* io = process.io();
    if (io == nullptr || !io->files) return;
    lua_State* L = process.os().runtime().lua();
    while (io->files->open != nullptr) file_handle_close_at_end(L, *io->files->open);
}

}  // namespace luaos
