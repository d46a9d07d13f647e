#pragma once
// The limits of a VM's file system (docs/security.md, docs/storage.md).

#include <cstdint>

namespace luaos {

struct FileLimits {
    // Bytes of file contents one VM may store, all its files together.
    std::uint64_t total_bytes = std::uint64_t{1} << 20;
    // Files and directories one VM may hold (its root not counted).
    std::uint32_t max_nodes = 1024;
    // Bytes one file may hold.
    std::uint64_t file_bytes = std::uint64_t{256} << 10;
    // Files one process may have open at once.
    std::uint32_t open_handles = 16;
    // Bytes of one path, as written and once resolved.
    std::uint32_t path_bytes = 256;
    // Names in one resolved path ("/a/b" has 2).
    std::uint32_t path_depth = 16;
};

}  // namespace luaos
