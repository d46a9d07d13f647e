#pragma once
// Lua values to HostValues and back, under the message rules
// (kernel/message_copy.hpp): what a process could send, a host function may
// receive; what it returns is pushed as new values of the caller's own.

#include <cstddef>
#include <cstdint>
#include <lua.hpp>
#include <string>
#include <vector>

#include "kernel/message_copy.hpp"
#include "luaos/host_value.hpp"
#include "luaos/process.hpp"

namespace luaos {

// Appends a copy of the value at `index` (not an integer: see below) to
// `out`, adding its size to `bytes`. Raises no Lua error and runs no
// metamethod; `bad_type` gets the Lua type of a value that cannot be copied.
EncodeError host_value_read(lua_State* L, int index, const ProcessLimits& limits, std::vector<HostValue>& out,
                            std::string& scratch, std::size_t& bytes, int& bad_type);

// Copies the arguments at [first, top] into `out` (cleared first), as
// host_value_read does; `bytes` gets the work done (bytes encoded) and
// `bad_index` the stack index of a value that cannot be copied. Integers, the
// commonest arguments, are read here, inline in the call's own code: two
// calls into Lua each.
[[gnu::always_inline]] inline EncodeError host_values_read(lua_State* L, int first, const ProcessLimits& limits,
                                                           std::vector<HostValue>& out, std::string& scratch,
                                                           std::size_t& bytes, int& bad_type, int& bad_index) {
    out.clear();
    bytes = 0;
    const int top = lua_gettop(L);
    for (int index = first; index <= top; ++index) {
        bad_index = index;
        if (bytes > limits.mailbox_bytes) return EncodeError::Size;
        if (lua_isinteger(L, index)) {
            out.emplace_back(static_cast<std::int64_t>(lua_tointeger(L, index)));
            bytes += 8;
            continue;
        }
        const EncodeError error = host_value_read(L, index, limits, out, scratch, bytes, bad_type);
        if (error != EncodeError::None) return error;
    }
    return EncodeError::None;
}

// Pushes a copy of `value` (may raise Lua's memory error; holds no C++ object
// across it).
void host_value_push(lua_State* L, const HostValue& value);

// Raises the error that a failed host_values_read reported, naming `function`.
int host_values_raise(lua_State* L, const char* function, EncodeError error, int bad_type, int bad_index,
                      const ProcessLimits& limits);

}  // namespace luaos
