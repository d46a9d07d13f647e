#pragma once
// The network as scripts see it (docs/network.md): net.addresses,
// net.resolve, net.listen, net.connect, net.send, net.recv, and the methods
// of listeners and connections. Every call acts on the calling process's VM's
// endpoint (net/endpoint.hpp) only; a VM the host gave no address has none,
// and its calls answer nil, "no network address".

struct lua_State;

namespace luaos {

// Adds `net` to the runtime's shared library (Lua's and Luau's), once per
// Lua state; false if it ran out of memory.
bool net_library_install(lua_State* L);

}  // namespace luaos
