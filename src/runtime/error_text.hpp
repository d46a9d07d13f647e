#pragma once
// Turning a Lua error value into the text the host keeps.

#include <cstddef>
#include <string>

struct lua_State;

namespace luaos {

// Stored error messages are capped so that a script cannot make the host keep
// an arbitrarily large string per failed process.
inline constexpr std::size_t kMaxErrorBytes = 4096;

// The error at `index` as text: strings as they are, numbers formatted, any
// other value as "error object is a <type> value". Never calls a metamethod:
// running a script's __tostring here would run player code on the host's side.
std::string error_text(lua_State* L, int index);

}  // namespace luaos
