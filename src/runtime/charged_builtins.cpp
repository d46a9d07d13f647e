#include "runtime/charged_builtins.hpp"

#include <bit>
#include <lua.hpp>

#include "runtime/cpu_budget.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/wrapped_builtin.hpp"

namespace luaos {
namespace {

int charged_sort(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    if (n > 1) {
        auto count = static_cast<std::uint64_t>(n);
        std::uint64_t comparisons = count * static_cast<std::uint64_t>(std::bit_width(count));
        if (!cpu_budget_charge(L, comparisons)) return luaL_error(L, "table too large to sort (%I elements)", n);
    }
    return call_wrapped_builtin(L);
}

int charged_move(lua_State* L) {
    lua_Integer first = luaL_checkinteger(L, 2);
    lua_Integer last = luaL_checkinteger(L, 3);
    if (last >= first) {
        // Computed unsigned: last - first overflows lua_Integer for extreme ranges.
        std::uint64_t count = static_cast<std::uint64_t>(last) - static_cast<std::uint64_t>(first) + 1;
        if (!cpu_budget_charge(L, count)) return luaL_error(L, "too many elements to move");
    }
    return call_wrapped_builtin(L);
}

// Lua's own result for an empty string and separator is "", after n-1 empty
// copies: give it at once.
int bounded_rep(lua_State* L) {
    luau_float_as_text(L, 1);  // a Luau process's numbers as Luau writes them
    luau_float_as_text(L, 3);
    size_t length = 0;
    size_t separator_length = 0;
    luaL_checklstring(L, 1, &length);
    luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &separator_length);
    if (length + separator_length == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    return call_wrapped_builtin(L);
}

}  // namespace

void charged_builtins_install_table(lua_State* L, int index) {
    index = lua_absindex(L, index);
    wrap_builtin(L, index, "sort", charged_sort);
    wrap_builtin(L, index, "move", charged_move);
}

void charged_builtins_install_string(lua_State* L, int index) {
    index = lua_absindex(L, index);
    wrap_builtin(L, index, "rep", bounded_rep);
}

}  // namespace luaos
