#include "net/net_library.hpp"

#include <cstdint>
#include <lua.hpp>
#include <span>
#include <string_view>

#include "kernel/kernel_access.hpp"
#include "kernel/process_wait.hpp"
#include "luaos/net_address.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "net/endpoint.hpp"
#include "net/net_address_text.hpp"
#include "runtime/readonly.hpp"
#include "runtime/sandbox.hpp"

// Lua errors are longjmps: no function here holds a C++ object with a
// destructor across a call that may raise one. A socket's userdata is pushed
// before the endpoint changes, so that a memory error leaves nothing behind.

namespace luaos {
namespace {

const char* const kConnectionType = "luaos.net.connection";
const char* const kListenerType = "luaos.net.listener";
const char kInstalledKey = 0;

// What a script holds: a number the endpoint knows its socket by.
struct SocketRef {
    std::uint32_t endpoint = 0;
    std::uint32_t handle = 0;
};

Process& caller(lua_State* L) {
    Process* process = current_process(Runtime::of(L));
    if (process == nullptr) luaL_error(L, "the net library works only inside a process");
    return *process;
}

// The caller's VM's endpoint; null if the VM was never given an address.
NetEndpoint* endpoint_of(Process& self) {
    return static_cast<NetEndpoint*>(KernelAccess::bookkeeping(self.os()).network.get());
}

int fail(lua_State* L, const char* why) {
    luaL_pushfail(L);
    lua_pushstring(L, why);
    return 2;
}

constexpr const char* kNoAddress = "no network address";

std::uint16_t check_port(lua_State* L, int arg, bool zero_allowed) {
    const lua_Integer port = luaL_checkinteger(L, arg);
    luaL_argcheck(L, port >= (zero_allowed ? 0 : 1) && port <= 65535, arg, "port out of range");
    return static_cast<std::uint16_t>(port);
}

// An optional timeout in ticks: -1 for none.
lua_Integer check_timeout(lua_State* L, int arg) {
    if (lua_isnoneornil(L, arg)) return -1;
    const lua_Integer timeout = luaL_checkinteger(L, arg);
    luaL_argcheck(L, timeout >= 0, arg, "timeout must not be negative");
    return timeout;
}

// Sets the process's timer for a wait that may time out.
void arm_timeout(Process& self, lua_Integer timeout) {
    KernelAccess::ensure_api_state(self).wake_tick = timeout < 0 ? 0 : tick_after(self.os(), timeout);
}

bool timed_out(const Process& self) {
    const ProcessApiState* state = KernelAccess::api_state(self);
    return state != nullptr && state->timed_out;
}

// An address or a name (the name service's first address for it); false if neither.
bool resolve_arg(lua_State* L, int arg, const NetEndpoint& endpoint, NetAddress& address) {
    std::size_t len = 0;
    const char* text = luaL_checklstring(L, arg, &len);
    const std::string_view name(text, len);
    if (std::optional<NetAddress> literal = parse_net_address(name)) {
        address = *literal;
        return true;
    }
    const std::span<const NetAddress> found = endpoint.names().lookup(name);
    if (found.empty()) return false;
    address = found.front();
    return true;
}

void push_address(lua_State* L, NetAddress address) {
    char text[kNetAddressTextSize];
    const std::size_t len = write_net_address(address, text);
    lua_pushlstring(L, text, len);
}

SocketRef* push_socket(lua_State* L, const char* type) {
    auto* ref = static_cast<SocketRef*>(lua_newuserdatauv(L, sizeof(SocketRef), 0));
    *ref = SocketRef{};
    luaL_setmetatable(L, type);
    return ref;
}

// The caller's socket at `arg`: its endpoint, and the handle through `handle`;
// null when the VM has no endpoint or the socket is not this VM's.
NetEndpoint* socket_of(lua_State* L, int arg, const char* type, Process& self, std::uint32_t& handle) {
    const auto* ref = static_cast<const SocketRef*>(luaL_checkudata(L, arg, type));
    NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr || endpoint->id() != ref->endpoint) return nullptr;
    handle = ref->handle;
    return endpoint;
}

NetConnection* connection_arg(lua_State* L, Process& self, NetEndpoint*& endpoint, std::uint32_t& handle) {
    endpoint = socket_of(L, 1, kConnectionType, self, handle);
    return endpoint == nullptr ? nullptr : endpoint->connection(self.pid(), handle);
}

NetListener* listener_arg(lua_State* L, Process& self, NetEndpoint*& endpoint, std::uint32_t& handle) {
    endpoint = socket_of(L, 1, kListenerType, self, handle);
    return endpoint == nullptr ? nullptr : endpoint->listener(self.pid(), handle);
}

// --- net.addresses, net.resolve ----------------------------------------------

int net_addresses(lua_State* L) {
    Process& self = caller(L);
    const NetEndpoint* endpoint = endpoint_of(self);
    const std::size_t count = endpoint == nullptr ? 0 : endpoint->addresses().size();
    lua_createtable(L, static_cast<int>(count), 0);
    for (std::size_t i = 0; i < count; ++i) {
        push_address(L, endpoint->addresses()[i]);
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    return 1;
}

// net.resolve(name) -> address, further addresses...; nil, "unknown name".
int net_resolve(lua_State* L) {
    Process& self = caller(L);
    std::size_t len = 0;
    const char* text = luaL_checklstring(L, 1, &len);
    const std::string_view name(text, len);
    if (std::optional<NetAddress> literal = parse_net_address(name)) {
        push_address(L, *literal);
        return 1;
    }
    const NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr) return fail(L, kNoAddress);
    const std::span<const NetAddress> found = endpoint->names().lookup(name);
    if (found.empty()) return fail(L, "unknown name");
    luaL_checkstack(L, static_cast<int>(found.size()), "too many addresses");
    for (NetAddress address : found) push_address(L, address);
    return static_cast<int>(found.size());
}

// --- listeners -----------------------------------------------------------------

int net_listen(lua_State* L) {
    Process& self = caller(L);
    const std::uint16_t port = check_port(L, 1, true);
    NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr) return fail(L, kNoAddress);
    SocketRef* ref = push_socket(L, kListenerType);
    std::uint32_t handle = 0;
    const NetRefusal refusal = endpoint->listen(self.pid(), port, handle);
    if (refusal != NetRefusal::None) return fail(L, net_refusal_text(refusal));
    *ref = {endpoint->id(), handle};
    return 1;
}

// Fills the connection userdata at index 3 with the next accepted connection.
bool try_accept(lua_State* L, NetEndpoint& endpoint, NetListener& listener) {
    const std::uint32_t handle = endpoint.accept(listener);
    if (handle == 0) return false;
    *static_cast<SocketRef*>(lua_touserdata(L, 3)) = {endpoint.id(), handle};
    return true;
}

int accept_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "listener:accept");
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    NetListener* listener = listener_arg(L, self, endpoint, handle);
    if (listener == nullptr) return fail(L, "closed");
    listener->owner_waits = false;
    if (try_accept(L, *endpoint, *listener)) return 1;
    if (timed_out(self)) return fail(L, "timed out");
    listener->owner_waits = true;
    return give_up(L, self, BlockReason::Network, accept_done, "listener:accept");
}

// listener:accept([timeout]) -> connection; nil, "timed out"; nil, "closed".
int listener_accept(lua_State* L) {
    Process& self = caller(L);
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    NetListener* listener = listener_arg(L, self, endpoint, handle);
    const lua_Integer timeout = check_timeout(L, 2);
    lua_settop(L, 2);
    if (listener == nullptr) return fail(L, "closed");
    push_socket(L, kConnectionType);  // 3
    if (try_accept(L, *endpoint, *listener)) return 1;
    if (timeout == 0) return fail(L, "timed out");
    arm_timeout(self, timeout);
    listener->owner_waits = true;
    return give_up(L, self, BlockReason::Network, accept_done, "listener:accept");
}

int listener_port(lua_State* L) {
    Process& self = caller(L);
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    const NetListener* listener = listener_arg(L, self, endpoint, handle);
    if (listener == nullptr) return fail(L, "closed");
    lua_pushinteger(L, listener->port);
    return 1;
}

int listener_close(lua_State* L) {
    Process& self = caller(L);
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    if (listener_arg(L, self, endpoint, handle) != nullptr) endpoint->close_listener(handle);
    lua_pushboolean(L, 1);
    return 1;
}

// --- connections ---------------------------------------------------------------

// The connect's answer, once it came: the connection at index 4, or nil and why.
int connect_answer(lua_State* L, Process& self, NetEndpoint& endpoint, std::uint32_t handle) {
    NetConnection* connection = endpoint.connection(self.pid(), handle);
    if (connection == nullptr) return fail(L, "closed");
    using State = NetConnection::State;
    const char* why = nullptr;
    switch (connection->state) {
        case State::Open:
        case State::PeerClosed: lua_settop(L, 4); return 1;
        case State::Refused: why = "refused"; break;
        case State::Unreachable: why = "unreachable"; break;
        case State::Connecting:
            if (!timed_out(self)) return -1;
            why = "timed out";
            break;
    }
    endpoint.close_connection(handle);
    return fail(L, why);
}

int connect_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    const std::uint32_t handle = static_cast<const SocketRef*>(lua_touserdata(L, 4))->handle;
    NetEndpoint* endpoint = endpoint_of(self);
    if (!reached_scheduler(self)) {
        if (endpoint != nullptr) endpoint->close_connection(handle);
        return not_reached(L, "net.connect");
    }
    if (endpoint == nullptr) return fail(L, "closed");
    const int results = connect_answer(L, self, *endpoint, handle);
    if (results >= 0) return results;
    return give_up(L, self, BlockReason::Network, connect_done, "net.connect");
}

int connect_next_tick(lua_State* L, int, lua_KContext);

// Opens the connection to the address at index 1, or waits for the VM's next
// tick if it opened (or sent) all it may in this one.
int try_connect(lua_State* L, Process& self) {
    const auto port = static_cast<std::uint16_t>(lua_tointeger(L, 2));
    const lua_Integer timeout = check_timeout(L, 3);
    lua_settop(L, 3);
    NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr) return fail(L, kNoAddress);
    NetAddress address = 0;
    if (!resolve_arg(L, 1, *endpoint, address)) return fail(L, "unknown name");
    SocketRef* ref = push_socket(L, kConnectionType);  // 4
    std::uint32_t handle = 0;
    const NetRefusal refusal = endpoint->connect(self.pid(), address, port, handle);
    if (refusal == NetRefusal::NextTick) return give_up(L, self, BlockReason::Yield, connect_next_tick, "net.connect");
    if (refusal != NetRefusal::None) return fail(L, net_refusal_text(refusal));
    *ref = {endpoint->id(), handle};
    if (timeout == 0) {
        endpoint->close_connection(handle);
        return fail(L, "timed out");
    }
    arm_timeout(self, timeout);
    if (!lua_isyieldable(L)) endpoint->close_connection(handle);  // give_up raises the error
    return give_up(L, self, BlockReason::Network, connect_done, "net.connect");
}

int connect_next_tick(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "net.connect");
    return try_connect(L, self);
}

// net.connect(address, port [, timeout]) -> connection; nil, "refused" |
// "unreachable" | "timed out" | "unknown name" | "too many connections".
int net_connect(lua_State* L) {
    Process& self = caller(L);
    luaL_checkstring(L, 1);
    check_port(L, 2, false);
    check_timeout(L, 3);
    return try_connect(L, self);
}

int send_done(lua_State* L, int, lua_KContext);

// Sends the string at index 2, or waits for credit; raises for a message too large.
int try_send(lua_State* L, Process& self) {
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    NetConnection* connection = connection_arg(L, self, endpoint, handle);
    if (connection == nullptr) return fail(L, "closed");
    std::size_t len = 0;
    const char* data = lua_tolstring(L, 2, &len);
    switch (endpoint->send(*connection, {data, len})) {
        case NetSend::Sent: lua_pushboolean(L, 1); return 1;
        case NetSend::Closed: return fail(L, "closed");
        case NetSend::TooLarge:
            return luaL_error(L, "connection:send: message too large (the limit is %d bytes)",
                              static_cast<int>(std::min(endpoint->limits().connection_bytes, endpoint->limits().vm_sent_bytes)));
        case NetSend::NextTick: return give_up(L, self, BlockReason::Yield, send_done, "connection:send");
        case NetSend::Wait: break;
    }
    endpoint->wait_for_credit(self.pid());
    return give_up(L, self, BlockReason::Network, send_done, "connection:send");
}

int send_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "connection:send");
    return try_send(L, self);
}

// connection:send(data) -> true; nil, "closed". Waits while the receiver's
// buffer is full.
int connection_send(lua_State* L) {
    Process& self = caller(L);
    luaL_checkudata(L, 1, kConnectionType);
    luaL_checklstring(L, 2, nullptr);
    lua_settop(L, 2);
    return try_send(L, self);
}

// Pushes the next message, or nil at the end of the stream; -1 if it must wait.
int try_recv(lua_State* L, Process& self) {
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    NetConnection* connection = connection_arg(L, self, endpoint, handle);
    if (connection == nullptr) return fail(L, "closed");
    if (!connection->inbox.empty()) {
        const std::string& message = connection->inbox.front();
        lua_pushlstring(L, message.data(), message.size());  // may raise (memory): the message then stays
        endpoint->consume(*connection);
        return 1;
    }
    if (connection->state != NetConnection::State::Open) {
        lua_pushnil(L);
        return 1;
    }
    return -1;
}

int recv_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "connection:recv");
    const int results = try_recv(L, self);
    if (results >= 0) return results;
    if (timed_out(self)) return fail(L, "timed out");
    return give_up(L, self, BlockReason::Network, recv_done, "connection:recv");
}

// connection:recv([timeout]) -> the next message; nil at the end of the
// stream; nil, "timed out".
int connection_recv(lua_State* L) {
    Process& self = caller(L);
    luaL_checkudata(L, 1, kConnectionType);
    const lua_Integer timeout = check_timeout(L, 2);
    lua_settop(L, 2);
    const int results = try_recv(L, self);
    if (results >= 0) return results;
    if (timeout == 0) return fail(L, "timed out");
    arm_timeout(self, timeout);
    return give_up(L, self, BlockReason::Network, recv_done, "connection:recv");
}

int connection_close(lua_State* L) {
    Process& self = caller(L);
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    if (connection_arg(L, self, endpoint, handle) != nullptr) endpoint->close_connection(handle);
    lua_pushboolean(L, 1);
    return 1;
}

// connection:peer() -> address, port (as this end sees them).
int connection_peer(lua_State* L) {
    Process& self = caller(L);
    NetEndpoint* endpoint = nullptr;
    std::uint32_t handle = 0;
    const NetConnection* connection = connection_arg(L, self, endpoint, handle);
    if (connection == nullptr) return fail(L, "closed");
    const std::uint16_t port = connection->peer_port;
    push_address(L, connection->peer_ip);
    lua_pushinteger(L, port);
    return 2;
}

// --- datagrams -------------------------------------------------------------------

int datagram_send_done(lua_State* L, int, lua_KContext);

int try_send_datagram(lua_State* L, Process& self) {
    NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr) return fail(L, kNoAddress);
    NetAddress address = 0;
    if (!resolve_arg(L, 1, *endpoint, address)) return fail(L, "unknown name");
    const auto port = static_cast<std::uint16_t>(lua_tointeger(L, 2));
    std::size_t len = 0;
    const char* data = lua_tolstring(L, 3, &len);
    switch (endpoint->send_datagram(self.pid(), address, port, {data, len})) {
        case NetSend::Sent: lua_pushboolean(L, 1); return 1;
        case NetSend::TooLarge:
            return luaL_error(L, "net.send: datagram too large (the limit is %d bytes)",
                              static_cast<int>(endpoint->limits().datagram_bytes));
        case NetSend::Closed:
        case NetSend::Wait:
        case NetSend::NextTick: break;
    }
    // The VM sent its datagrams (or packets) for this tick: the next tick's quota.
    return give_up(L, self, BlockReason::Yield, datagram_send_done, "net.send");
}

int datagram_send_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "net.send");
    return try_send_datagram(L, self);
}

// net.send(address, port, data) -> true; nil, "unknown name". A datagram may
// be lost (no receiver, a full queue, the policy); nothing says so to the sender.
int net_send(lua_State* L) {
    Process& self = caller(L);
    luaL_checkstring(L, 1);
    check_port(L, 2, false);
    luaL_checklstring(L, 3, nullptr);
    lua_settop(L, 3);
    return try_send_datagram(L, self);
}

// Pushes {src_ip =, src_port =, dst_port =, data =} for the next datagram; false if none.
bool try_recv_datagram(lua_State* L, NetEndpoint& endpoint) {
    const NetDatagram* datagram = endpoint.next_datagram();
    if (datagram == nullptr) return false;
    lua_createtable(L, 0, 4);
    push_address(L, datagram->src_ip);
    lua_setfield(L, -2, "src_ip");
    lua_pushinteger(L, datagram->src_port);
    lua_setfield(L, -2, "src_port");
    lua_pushinteger(L, datagram->dst_port);
    lua_setfield(L, -2, "dst_port");
    lua_pushlstring(L, datagram->data.data(), datagram->data.size());
    lua_setfield(L, -2, "data");
    endpoint.consume_datagram();
    return true;
}

int datagram_recv_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "net.recv");
    NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr) return fail(L, kNoAddress);
    if (try_recv_datagram(L, *endpoint)) return 1;
    if (timed_out(self)) return fail(L, "timed out");
    endpoint->wait_for_datagram(self.pid());
    return give_up(L, self, BlockReason::Network, datagram_recv_done, "net.recv");
}

// net.recv([timeout]) -> {src_ip, src_port, dst_port, data}; nil, "timed out".
int net_recv(lua_State* L) {
    Process& self = caller(L);
    const lua_Integer timeout = check_timeout(L, 1);
    lua_settop(L, 1);
    NetEndpoint* endpoint = endpoint_of(self);
    if (endpoint == nullptr) return fail(L, kNoAddress);
    if (try_recv_datagram(L, *endpoint)) return 1;
    if (timeout == 0) return fail(L, "timed out");
    arm_timeout(self, timeout);
    endpoint->wait_for_datagram(self.pid());
    return give_up(L, self, BlockReason::Network, datagram_recv_done, "net.recv");
}

// --- installing ------------------------------------------------------------------

const luaL_Reg kNetFunctions[] = {
    {"addresses", net_addresses}, {"resolve", net_resolve}, {"listen", net_listen}, {"connect", net_connect},
    {"send", net_send},           {"recv", net_recv},       {nullptr, nullptr},
};

const luaL_Reg kListenerMethods[] = {
    {"accept", listener_accept}, {"port", listener_port}, {"close", listener_close}, {nullptr, nullptr},
};

const luaL_Reg kConnectionMethods[] = {
    {"send", connection_send}, {"recv", connection_recv}, {"close", connection_close},
    {"peer", connection_peer}, {nullptr, nullptr},
};

// A socket type's shared metatable: its methods, hidden from scripts.
void new_socket_type(lua_State* L, const char* type, const luaL_Reg* methods) {
    luaL_newmetatable(L, type);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

// Runs under lua_pcall.
int install(lua_State* L) {
    new_socket_type(L, kListenerType, kListenerMethods);
    new_socket_type(L, kConnectionType, kConnectionMethods);
    luaL_newlib(L, kNetFunctions);
    readonly_push_view(L, -1);  // 1 net, 2 view
    sandbox_push_library(L, Dialect::Lua);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "net");
    sandbox_push_library(L, Dialect::Luau);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "net");
    lua_pushboolean(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kInstalledKey);
    return 0;
}

}  // namespace

bool net_library_install(lua_State* L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kInstalledKey) != LUA_TNIL) {
        lua_pop(L, 1);
        return true;
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, install);
    if (lua_pcall(L, 0, 0, 0) == LUA_OK) return true;
    lua_pop(L, 1);
    return false;
}

}  // namespace luaos
