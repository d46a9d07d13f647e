#pragma once
// Where scripts find host libraries.
//
// For every VM of a runtime (a cluster installs each library in every
// shard's runtime): a read-only view of the library's table is set in the
// Lua and Luau libraries that every process's globals fall back on, beside
// `string` and `os`, so a process pays nothing for it.
//
// For one VM (Os::add_host_library): the views go in a table of that Os's
// own, and each process it spawns from then on gets them as globals of its
// own (one hash node each); a VM's library of the same name as one for every
// VM hides it in that VM.

#include "luaos/host_functions.hpp"

namespace luaos {

class Runtime;

// Installs `library` for every process of `runtime`; it must outlive the
// runtime. std::invalid_argument if the scripts' library already has the name
// (`string`, `os`, another host library); std::bad_alloc if Lua is out of memory.
void host_library_install(Runtime& runtime, const HostLibrary& library);

}  // namespace luaos
