#pragma once
// The language a process's script is written in.

#include <cstdint>

namespace luaos {

// One byte, as every process keeps one.
enum class Dialect : std::uint8_t {
    Lua,   // Lua 5.4, as compiled by the Lua library itself
    Luau,  // Roblox's Luau, translated to Lua 5.4 first (docs/luau.md)
};

}  // namespace luaos
