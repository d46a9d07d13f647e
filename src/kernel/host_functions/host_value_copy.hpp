#pragma once
// Lua values to HostValues and back, under the message rules
// (kernel/message_copy.hpp): what a process could send, a host function may
// receive; what it returns is pushed as new values of the caller's own.

#include <cstddef>
#include <string>

#include "kernel/message_copy.hpp"
#include "luaos/host_value.hpp"
#include "luaos/process.hpp"

struct lua_State;

namespace luaos {

// Copies the arguments at [first, top] into `out` (cleared first). Raises no
// Lua error and runs no metamethod; `bytes` gets the work done (bytes
// encoded), `bad_type` the Lua type of a value that cannot be copied and
// `bad_index` its stack index.
EncodeError host_values_read(lua_State* L, int first, const ProcessLimits& limits, std::vector<HostValue>& out,
                             std::string& scratch, std::size_t& bytes, int& bad_type, int& bad_index);

// Pushes a copy of `value` (may raise Lua's memory error; holds no C++ object
// across it).
void host_value_push(lua_State* L, const HostValue& value);

// Raises the error that a failed host_values_read reported, naming `function`.
int host_values_raise(lua_State* L, const char* function, EncodeError error, int bad_type, int bad_index,
                      const ProcessLimits& limits);

}  // namespace luaos
