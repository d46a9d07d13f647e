#pragma once
// The language a process's script is written in.

namespace luaos {

enum class Dialect {
    Lua,   // Lua 5.4, as compiled by the Lua library itself
    Luau,  // Roblox's Luau, translated to Lua 5.4 first (docs/luau.md)
};

}  // namespace luaos
