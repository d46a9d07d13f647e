#pragma once
// The names a node may not take. A node's subjects are luaos.<node>.>, so a
// node named like the first token after `luaos.` of a subject every node
// shares would answer, or swallow, that subject's traffic:
//
//   any   luaos.any.vm.create   a create for whichever node has room
//   vm    luaos.vm.<uuid>.<op>  a VM's requests wherever it runs
//   net   luaos.net.<address>   the VM network between nodes (net_bridge.hpp)
//
// The one list: the node refuses these names (Node's constructor) and the CLI
// refuses them for --node and keeps its default (the host's name) off them.
// Header only, so that the CLI can check --node in a build without the node.

#include <array>
#include <string>
#include <string_view>

namespace luaos::service {

inline constexpr std::array<std::string_view, 3> kReservedNodeNames = {"any", "vm", "net"};

inline bool is_reserved_node_name(std::string_view name) {
    for (std::string_view reserved : kReservedNodeNames) {
        if (name == reserved) return true;
    }
    return false;
}

// "'any', 'vm' and 'net'": the list as an error message names it.
inline std::string reserved_node_names_text() {
    std::string text;
    for (std::size_t i = 0; i < kReservedNodeNames.size(); ++i) {
        if (i > 0) text += i + 1 == kReservedNodeNames.size() ? " and " : ", ";
        text += "'" + std::string(kReservedNodeNames[i]) + "'";
    }
    return text;
}

}  // namespace luaos::service
