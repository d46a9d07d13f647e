#pragma once
// A process's part of its VM's file system: its working directory and the
// files it has open. Created on first use (ProcessApiState::files), so that a
// process that never touches a file pays one null pointer for it.

#include <cstdint>
#include <string>
#include <string_view>

namespace luaos {

class Process;
struct FileHandle;

struct ProcessFiles {
    std::string cwd = "/";           // canonical (store/path.hpp)
    FileHandle* open = nullptr;      // its open handles, a list through FileHandle::next
    std::uint32_t open_count = 0;    // FileLimits::open_handles bounds it
};

ProcessFiles& process_files(Process& process);
// The working directory: "/" until os.chdir.
std::string_view process_cwd(const Process& process);
// A child starts in its parent's working directory.
void process_files_inherit(const Process& parent, Process& child);
// At the process's end: every handle it left open is written back (as close
// would) and closed.
void process_files_close_all(Process& process);

}  // namespace luaos
