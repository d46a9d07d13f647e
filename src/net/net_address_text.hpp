#pragma once
// An address written out without a std::string, for code that pushes it to
// Lua (where an error is a longjmp that must not skip a destructor).

#include <cstddef>

#include "luaos/net_address.hpp"

namespace luaos {

inline constexpr std::size_t kNetAddressTextSize = 16;  // "255.255.255.255" and its terminator

// Writes "a.b.c.d" and a terminating zero into `out`; returns its length.
std::size_t write_net_address(NetAddress address, char (&out)[kNetAddressTextSize]);

}  // namespace luaos
