// Luau's bit32 library (Lua 5.2's): operations on 32-bit unsigned integers.
// Arguments are numbers truncated to integers and taken modulo 2^32; results
// are numbers from 0 to 2^32 - 1.

#include <bit>
#include <cstdint>
#include <lua.hpp>

#include "runtime/luau_library.hpp"

namespace luaos {
namespace {

std::uint32_t check_u32(lua_State* L, int arg) { return static_cast<std::uint32_t>(luau_check_integer(L, arg)); }

int push_u32(lua_State* L, std::uint32_t value) {
    lua_pushnumber(L, static_cast<double>(value));
    return 1;
}

template <typename Combine>
std::uint32_t fold(lua_State* L, std::uint32_t initial, Combine combine) {
    std::uint32_t result = initial;
    for (int i = 1, n = lua_gettop(L); i <= n; ++i) result = combine(result, check_u32(L, i));
    return result;
}

int bit_band(lua_State* L) { return push_u32(L, fold(L, ~0u, [](std::uint32_t a, std::uint32_t b) { return a & b; })); }
int bit_bor(lua_State* L) { return push_u32(L, fold(L, 0u, [](std::uint32_t a, std::uint32_t b) { return a | b; })); }
int bit_bxor(lua_State* L) { return push_u32(L, fold(L, 0u, [](std::uint32_t a, std::uint32_t b) { return a ^ b; })); }
int bit_btest(lua_State* L) {
    lua_pushboolean(L, fold(L, ~0u, [](std::uint32_t a, std::uint32_t b) { return a & b; }) != 0);
    return 1;
}
int bit_bnot(lua_State* L) { return push_u32(L, ~check_u32(L, 1)); }

// Shifts by any amount: 32 or more (either way) leaves nothing.
std::uint32_t shift_left(std::uint32_t x, long long n) {
    if (n <= -32 || n >= 32) return 0;
    return n >= 0 ? x << n : x >> -n;
}

int bit_lshift(lua_State* L) { return push_u32(L, shift_left(check_u32(L, 1), luau_check_integer(L, 2))); }
int bit_rshift(lua_State* L) { return push_u32(L, shift_left(check_u32(L, 1), -luau_check_integer(L, 2))); }

int bit_arshift(lua_State* L) {
    std::uint32_t x = check_u32(L, 1);
    long long n = luau_check_integer(L, 2);
    if (n < 0 || (x & 0x80000000u) == 0) return push_u32(L, shift_left(x, -n));
    if (n >= 32) return push_u32(L, 0xFFFFFFFFu);
    return push_u32(L, static_cast<std::uint32_t>(static_cast<std::int32_t>(x) >> n));
}

int bit_lrotate(lua_State* L) {
    return push_u32(L, std::rotl(check_u32(L, 1), static_cast<int>(luau_check_integer(L, 2) % 32)));
}
int bit_rrotate(lua_State* L) {
    return push_u32(L, std::rotr(check_u32(L, 1), static_cast<int>(luau_check_integer(L, 2) % 32)));
}

// The field of `width` bits at bit `field`; both must lie within 32 bits.
void check_field(lua_State* L, int field_arg, long long field, long long width) {
    luaL_argcheck(L, field >= 0, field_arg, "field cannot be negative");
    luaL_argcheck(L, width > 0, field_arg + 1, "width must be positive");
    if (field + width > 32) luaL_error(L, "trying to access non-existent bits");
}

std::uint32_t mask(long long width) { return width >= 32 ? ~0u : ((1u << width) - 1); }

int bit_extract(lua_State* L) {
    std::uint32_t x = check_u32(L, 1);
    long long field = luau_check_integer(L, 2);
    long long width = luau_opt_integer(L, 3, 1);
    check_field(L, 2, field, width);
    return push_u32(L, (x >> field) & mask(width));
}

int bit_replace(lua_State* L) {
    std::uint32_t x = check_u32(L, 1);
    std::uint32_t value = check_u32(L, 2);
    long long field = luau_check_integer(L, 3);
    long long width = luau_opt_integer(L, 4, 1);
    check_field(L, 3, field, width);
    std::uint32_t m = mask(width) << field;
    return push_u32(L, (x & ~m) | ((value << field) & m));
}

int bit_countlz(lua_State* L) { return push_u32(L, static_cast<std::uint32_t>(std::countl_zero(check_u32(L, 1)))); }
int bit_countrz(lua_State* L) { return push_u32(L, static_cast<std::uint32_t>(std::countr_zero(check_u32(L, 1)))); }
int bit_byteswap(lua_State* L) {
    std::uint32_t x = check_u32(L, 1);
    return push_u32(L, (x >> 24) | ((x >> 8) & 0xFF00u) | ((x << 8) & 0xFF0000u) | (x << 24));
}

}  // namespace

void luau_push_bit32(lua_State* L) {
    const luaL_Reg functions[] = {{"band", bit_band},       {"bor", bit_bor},         {"bxor", bit_bxor},
                                  {"btest", bit_btest},     {"bnot", bit_bnot},       {"lshift", bit_lshift},
                                  {"rshift", bit_rshift},   {"arshift", bit_arshift}, {"lrotate", bit_lrotate},
                                  {"rrotate", bit_rrotate}, {"extract", bit_extract}, {"replace", bit_replace},
                                  {"countlz", bit_countlz}, {"countrz", bit_countrz}, {"byteswap", bit_byteswap},
                                  {nullptr, nullptr}};
    luaL_newlib(L, functions);
}

}  // namespace luaos
