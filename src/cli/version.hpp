#pragma once
// The version of luaos, as CMake's project(VERSION) sets it: the one place it
// is written. `luaos --version` prints it and the --json report carries it;
// the CMake package and luaos.pc get it from the same project() call.

namespace luaos::cli {

inline constexpr const char* kVersion = LUAOS_VERSION;

}  // namespace luaos::cli
