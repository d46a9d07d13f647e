#pragma once
// The name service behind net.resolve: names to addresses, set by the host.

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "luaos/net_address.hpp"

namespace luaos {

class NameService {
public:
    // No addresses removes the name.
    void set(std::string name, std::vector<NetAddress> addresses);
    // The name's addresses; empty if unknown. (Scripts' addresses written
    // out are not names: net/net_library.cpp parses them first.)
    std::span<const NetAddress> lookup(std::string_view name) const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, std::vector<NetAddress>, Hash, std::equal_to<>> names_;
};

}  // namespace luaos
