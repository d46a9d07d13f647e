#pragma once
// A VM's network address (docs/network.md): IPv4, as text and as a number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace luaos {

// An IPv4 address, 10.0.0.1 being 0x0A000001.
using NetAddress = std::uint32_t;

// "a.b.c.d" (four decimal numbers 0-255, no leading zeros), else nullopt.
std::optional<NetAddress> parse_net_address(std::string_view text);
std::string format_net_address(NetAddress address);

}  // namespace luaos
