#include <charconv>

#include "luaos/net_address.hpp"
#include "net/net_address_text.hpp"

namespace luaos {

std::optional<NetAddress> parse_net_address(std::string_view text) {
    NetAddress address = 0;
    const char* at = text.data();
    const char* const end = text.data() + text.size();
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (at == end || *at != '.') return std::nullopt;
            ++at;
        }
        if (at == end || *at < '0' || *at > '9') return std::nullopt;
        if (*at == '0' && at + 1 != end && at[1] >= '0' && at[1] <= '9') return std::nullopt;  // no leading zeros
        unsigned value = 0;
        auto [next, error] = std::from_chars(at, end, value);
        if (error != std::errc() || value > 255) return std::nullopt;
        at = next;
        address = (address << 8) | value;
    }
    if (at != end) return std::nullopt;
    return address;
}

std::size_t write_net_address(NetAddress address, char (&out)[kNetAddressTextSize]) {
    char* at = out;
    for (int shift = 24; shift >= 0; shift -= 8) {
        if (shift != 24) *at++ = '.';
        at = std::to_chars(at, out + kNetAddressTextSize - 1, (address >> shift) & 0xFF).ptr;
    }
    *at = '\0';
    return static_cast<std::size_t>(at - out);
}

std::string format_net_address(NetAddress address) {
    char text[kNetAddressTextSize];
    return {text, write_net_address(address, text)};
}

}  // namespace luaos
