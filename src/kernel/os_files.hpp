#pragma once
// Where a VM's files are: the store it was attached to (Os::attach_files),
// or a private in-memory store made the first time a script touches a file,
// so that a VM that never does costs nothing for it.

#include <memory>

#include "luaos/file_store.hpp"
#include "store/vm_files.hpp"

namespace luaos {

class Os;

struct OsFiles {
    std::shared_ptr<FileStore> store;
    VmFiles files;
};

// The VM's file system, its private store made now if it has none.
VmFiles& os_files(Os& os);

}  // namespace luaos
