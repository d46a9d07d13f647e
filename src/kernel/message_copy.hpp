#pragma once
// Messages between processes (os.send, os.receive): values are copied, never
// shared, so that no process can reach another's tables. A message is
// encoded into bytes when sent and decoded into new values when received.
//
// What can be sent: nil, booleans, numbers, strings, and tables of those
// (keys: booleans, numbers and strings), nested at most
// ProcessLimits::message_depth deep, at most ProcessLimits::mailbox_bytes once
// encoded. Cycles are refused; a table reached twice is copied twice;
// metatables are not copied.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct lua_State;

namespace luaos {

class HostValue;

enum class EncodeError : std::uint8_t { None, Type, KeyType, Cycle, Depth, Size };

// Why a value could not be sent, as a Lua error message.
const char* encode_error_text(EncodeError error);

// Encodes the value at `index` into `out`. Raises no Lua error and runs no
// metamethod (so that the caller may hold `out` across it); `bad_type` gets
// the Lua type of a value that cannot be sent.
EncodeError message_encode(lua_State* L, int index, std::size_t max_bytes, std::uint32_t max_depth, std::string& out,
                           int& bad_type);

void message_encode_string(std::string_view text, std::string& out);

// Pushes a new copy of the encoded value (may raise Lua's memory error).
void message_push(lua_State* L, const std::string& bytes);

// The encoded value as a host function's argument (luaos/host_value.hpp).
HostValue message_to_host_value(std::string_view bytes);

}  // namespace luaos
