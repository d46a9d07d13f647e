#pragma once
// A path for a test's store file: /tmp/luaos_<suite>_<pid>/<name>, its folder
// made and any earlier database there (with its -wal and -shm) removed.

#include <filesystem>
#include <string>

#include <unistd.h>

namespace luaos::test {

inline std::string scratch_store(const std::string& suite, const std::string& name) {
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("luaos_" + suite + "_" + std::to_string(::getpid())) / name;
    std::filesystem::create_directories(path.parent_path());
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
}

}  // namespace luaos::test
