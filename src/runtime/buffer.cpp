// Luau's buffer type: a fixed-size, mutable block of bytes, a full userdata
// (so the VM's memory limit counts it) with little-endian reads and writes at
// zero-based offsets. type() and typeof() of Luau report "buffer".

#include <cstdint>
#include <cstring>
#include <lua.hpp>
#include <type_traits>

#include "runtime/luau_library.hpp"

namespace luaos {
namespace {

constexpr const char* kBufferType = "buffer";  // the registry name of its metatable, and its __name
constexpr long long kMaxBufferSize = 1LL << 30;  // Luau's own limit

struct Bytes {
    unsigned char* data;
    long long size;
};

Bytes check_buffer(lua_State* L, int arg) {
    auto* data = static_cast<unsigned char*>(luaL_checkudata(L, arg, kBufferType));
    return {data, static_cast<long long>(lua_rawlen(L, arg))};
}

unsigned char* push_new(lua_State* L, long long size) {
    if (size < 0 || size > kMaxBufferSize) luaL_error(L, "invalid size for buffer");
    auto* data = static_cast<unsigned char*>(lua_newuserdatauv(L, static_cast<size_t>(size), 0));
    if (size > 0) std::memset(data, 0, static_cast<size_t>(size));
    luaL_setmetatable(L, kBufferType);
    return data;
}

// The `count` bytes at `offset`, which must lie within the buffer.
unsigned char* at(lua_State* L, const Bytes& buffer, long long offset, long long count) {
    if (offset < 0 || count < 0 || offset > buffer.size || count > buffer.size - offset) {
        luaL_error(L, "buffer access out of bounds");
    }
    return buffer.data + offset;
}

int buffer_create(lua_State* L) {
    push_new(L, luau_check_integer(L, 1));
    return 1;
}

int buffer_fromstring(lua_State* L) {
    luau_float_as_text(L, 1);
    size_t length = 0;
    const char* text = luaL_checklstring(L, 1, &length);
    unsigned char* data = push_new(L, static_cast<long long>(length));
    if (length > 0) std::memcpy(data, text, length);
    return 1;
}

int buffer_tostring(lua_State* L) {
    Bytes buffer = check_buffer(L, 1);
    lua_pushlstring(L, reinterpret_cast<const char*>(buffer.data), static_cast<size_t>(buffer.size));
    return 1;
}

int buffer_len(lua_State* L) {
    lua_pushnumber(L, static_cast<double>(check_buffer(L, 1).size));
    return 1;
}

template <typename T>
int buffer_read(lua_State* L) {
    Bytes buffer = check_buffer(L, 1);
    T value;
    std::memcpy(&value, at(L, buffer, luau_check_integer(L, 2), sizeof(T)), sizeof(T));
    lua_pushnumber(L, static_cast<double>(value));
    return 1;
}

template <typename T>
int buffer_write(lua_State* L) {
    Bytes buffer = check_buffer(L, 1);
    unsigned char* place = at(L, buffer, luau_check_integer(L, 2), sizeof(T));
    T value;
    if constexpr (std::is_floating_point_v<T>) {
        value = static_cast<T>(luaL_checknumber(L, 3));
    } else {
        // Integers wrap to the field's width, as Luau's writes do.
        value = static_cast<T>(static_cast<std::uint64_t>(luau_check_integer(L, 3)));
    }
    std::memcpy(place, &value, sizeof(T));
    return 0;
}

int buffer_readstring(lua_State* L) {
    Bytes buffer = check_buffer(L, 1);
    long long count = luau_check_integer(L, 3);
    unsigned char* place = at(L, buffer, luau_check_integer(L, 2), count);
    lua_pushlstring(L, reinterpret_cast<const char*>(place), static_cast<size_t>(count));
    return 1;
}

int buffer_writestring(lua_State* L) {
    Bytes buffer = check_buffer(L, 1);
    long long offset = luau_check_integer(L, 2);
    luau_float_as_text(L, 3);
    size_t length = 0;
    const char* text = luaL_checklstring(L, 3, &length);
    long long count = luau_opt_integer(L, 4, static_cast<long long>(length));
    luaL_argcheck(L, count >= 0 && count <= static_cast<long long>(length), 4, "string length overflow");
    unsigned char* place = at(L, buffer, offset, count);
    if (count > 0) std::memcpy(place, text, static_cast<size_t>(count));
    return 0;
}

int buffer_copy(lua_State* L) {
    Bytes target = check_buffer(L, 1);
    long long target_offset = luau_check_integer(L, 2);
    Bytes source = check_buffer(L, 3);
    long long source_offset = luau_opt_integer(L, 4, 0);
    long long count = luau_opt_integer(L, 5, source.size - source_offset);
    unsigned char* from = at(L, source, source_offset, count);
    unsigned char* to = at(L, target, target_offset, count);
    if (count > 0) std::memmove(to, from, static_cast<size_t>(count));
    return 0;
}

int buffer_fill(lua_State* L) {
    Bytes buffer = check_buffer(L, 1);
    long long offset = luau_check_integer(L, 2);
    auto value = static_cast<unsigned char>(static_cast<std::uint64_t>(luau_check_integer(L, 3)));
    long long count = luau_opt_integer(L, 4, buffer.size - offset);
    unsigned char* place = at(L, buffer, offset, count);
    if (count > 0) std::memset(place, value, static_cast<size_t>(count));
    return 0;
}

}  // namespace

bool luau_is_buffer(lua_State* L, int index) { return luaL_testudata(L, index, kBufferType) != nullptr; }

void luau_push_buffer(lua_State* L) {
    if (luaL_newmetatable(L, kBufferType)) {
        // Scripts must not reach the metatable every buffer shares.
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    const luaL_Reg functions[] = {{"create", buffer_create},
                                  {"fromstring", buffer_fromstring},
                                  {"tostring", buffer_tostring},
                                  {"len", buffer_len},
                                  {"readi8", buffer_read<std::int8_t>},
                                  {"readu8", buffer_read<std::uint8_t>},
                                  {"readi16", buffer_read<std::int16_t>},
                                  {"readu16", buffer_read<std::uint16_t>},
                                  {"readi32", buffer_read<std::int32_t>},
                                  {"readu32", buffer_read<std::uint32_t>},
                                  {"readf32", buffer_read<float>},
                                  {"readf64", buffer_read<double>},
                                  {"writei8", buffer_write<std::int8_t>},
                                  {"writeu8", buffer_write<std::uint8_t>},
                                  {"writei16", buffer_write<std::int16_t>},
                                  {"writeu16", buffer_write<std::uint16_t>},
                                  {"writei32", buffer_write<std::int32_t>},
                                  {"writeu32", buffer_write<std::uint32_t>},
                                  {"writef32", buffer_write<float>},
                                  {"writef64", buffer_write<double>},
                                  {"readstring", buffer_readstring},
                                  {"writestring", buffer_writestring},
                                  {"copy", buffer_copy},
                                  {"fill", buffer_fill},
                                  {nullptr, nullptr}};
    luaL_newlib(L, functions);
}

}  // namespace luaos
