#include "runtime/charged_builtins.hpp"

#include <climits>
#include <cstdint>
#include <lua.hpp>

#include "runtime/cpu_budget.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/wrapped_builtin.hpp"

namespace luaos {
namespace {

// What table.sort and table.move do with a table argument (Lua's checktab):
// a table, or a value whose metatable has the metamethods for those uses.
enum TableUse : int { kRead = 1, kWrite = 2, kLength = 4 };

void check_table(lua_State* L, int arg, int uses) {
    if (lua_type(L, arg) == LUA_TTABLE) return;
    static constexpr struct {
        int use;
        const char* field;
    } kMetamethods[] = {{kRead, "__index"}, {kWrite, "__newindex"}, {kLength, "__len"}};
    bool usable = lua_getmetatable(L, arg) != 0;
    if (usable) lua_pop(L, 1);
    for (const auto& needed : kMetamethods) {
        if (!usable || (uses & needed.use) == 0) continue;
        usable = luaL_getmetafield(L, arg, needed.field) != LUA_TNIL;
        if (usable) lua_pop(L, 1);
    }
    if (!usable) luaL_checktype(L, arg, LUA_TTABLE);  // raises Lua's own error
}

// --- table.sort -------------------------------------------------------------
//
// Lua's table.sort loops in C for as long as the table is long: its work
// cannot be charged from outside, and charging n log n up front killed
// processes whose comparator raised at the first comparison. So the sort is
// done here, as Lua does it (a quicksort on the table in place, through
// lua_geti and lua_seti, so that metamethods and the comparator see what
// Lua's would), and each comparison is charged as it is made, in batches.

using Index = lua_Integer;
constexpr Index kRandomPivotAbove = 100;
constexpr std::uint64_t kChargeEvery = 1024;

struct Sort {
    lua_State* L;
    Index n;
    std::uint64_t uncharged = 0;  // comparisons made since the last charge

    // Whether the value at `a` sorts before the one at `b`, by the comparator
    // (argument 2) or by `<`.
    bool before(int a, int b) {
        if (++uncharged == kChargeEvery) charge();
        a = lua_absindex(L, a);
        b = lua_absindex(L, b);
        if (lua_isnil(L, 2)) return lua_compare(L, a, b, LUA_OPLT) != 0;
        lua_pushvalue(L, 2);
        lua_pushvalue(L, a);
        lua_pushvalue(L, b);
        lua_call(L, 2, 1);
        const bool sorted = lua_toboolean(L, -1) != 0;
        lua_pop(L, 1);
        return sorted;
    }

    void charge() {
        if (!cpu_budget_charge(L, uncharged)) {
            luaL_error(L, "table too large to sort (%I elements)", static_cast<LUAI_UACINT>(n));
        }
        uncharged = 0;
    }
};

// t[i] = the value on top, t[j] = the one below it; pops both.
void store_pair(lua_State* L, Index i, Index j) {
    lua_seti(L, 1, i);
    lua_seti(L, 1, j);
}

[[noreturn]] void invalid_order(lua_State* L) {
    luaL_error(L, "invalid order function for sorting");
    __builtin_unreachable();
}

// A pivot from the middle half of a large range, at a place that depends on
// the range alone: sorted or reversed input does not go quadratic, and the
// instruction-count mode stays reproducible (Lua picks it from the clock).
Index choose_pivot(Index lo, Index up) {
    if (up - lo < kRandomPivotAbove) return lo + (up - lo) / 2;
    const Index quarter = (up - lo) / 4;
    const auto mixed = static_cast<std::uint64_t>(lo) * 0x9E3779B97F4A7C15u ^ static_cast<std::uint64_t>(up);
    return lo + quarter + static_cast<Index>(mixed % static_cast<std::uint64_t>(2 * quarter));
}

// With t[lo] <= P <= t[up] and the pivot P both in t[up - 1] and on top of
// the stack, moves what sorts before P to its left and the rest to its
// right; returns P's final place and pops it. A comparator that contradicts
// itself runs an index out of the range: that is Lua's error.
Index partition(Sort& sort, Index lo, Index up) {
    lua_State* L = sort.L;
    Index i = lo;
    Index j = up - 1;
    for (;;) {
        while (lua_geti(L, 1, ++i), sort.before(-1, -2)) {  // t[i] < P
            if (i == up - 1) invalid_order(L);
            lua_pop(L, 1);
        }
        while (lua_geti(L, 1, --j), sort.before(-3, -1)) {  // P < t[j]
            if (j < i) invalid_order(L);
            lua_pop(L, 1);
        }
        if (j < i) {
            lua_pop(L, 1);             // P, t[i]
            store_pair(L, up - 1, i);  // t[up - 1] = t[i], t[i] = P
            return i;
        }
        store_pair(L, i, j);  // swap t[i] and t[j]; P stays on top
    }
}

// Puts t[a] and t[b] (a < b) in order.
void order_pair(Sort& sort, Index a, Index b) {
    lua_geti(sort.L, 1, a);
    lua_geti(sort.L, 1, b);
    if (sort.before(-1, -2)) {
        store_pair(sort.L, a, b);
    } else {
        lua_pop(sort.L, 2);
    }
}

void sort_range(Sort& sort, Index lo, Index up) {
    lua_State* L = sort.L;
    while (lo < up) {
        order_pair(sort, lo, up);
        if (up - lo == 1) return;
        const Index p = choose_pivot(lo, up);
        order_pair(sort, lo, p);
        order_pair(sort, p, up);
        if (up - lo == 2) return;
        lua_geti(L, 1, p);
        lua_pushvalue(L, -1);
        lua_geti(L, 1, up - 1);
        store_pair(L, p, up - 1);  // the pivot to t[up - 1], and on top
        const Index middle = partition(sort, lo, up);
        // The smaller side by recursion, the larger by the loop: the C stack
        // stays within log2 n frames.
        if (middle - lo < up - middle) {
            sort_range(sort, lo, middle - 1);
            lo = middle + 1;
        } else {
            sort_range(sort, middle + 1, up);
            up = middle - 1;
        }
    }
}

int charged_sort(lua_State* L) {
    check_table(L, 1, kRead | kWrite | kLength);
    const lua_Integer n = luaL_len(L, 1);
    if (n > 1) {
        luaL_argcheck(L, n < INT_MAX, 1, "array too big");
        if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
        lua_settop(L, 2);
        Sort sort{L, n};
        sort_range(sort, 1, n);
        sort.charge();
    }
    return 0;
}

// --- table.move -------------------------------------------------------------
//
// Lua's checks first, then the elements in batches, each charged before it
// is moved: a move over absent elements needs no memory, so only the budget
// bounds it, and a move that fails at its first element fails with that error.


int charged_move(lua_State* L) {
    const lua_Integer first = luaL_checkinteger(L, 2);
    const lua_Integer last = luaL_checkinteger(L, 3);
    const lua_Integer to = luaL_checkinteger(L, 4);
    const int destination = lua_isnoneornil(L, 5) ? 1 : 5;
    check_table(L, 1, kRead);
    check_table(L, destination, kWrite);
    if (last >= first) {
        luaL_argcheck(L, first > 0 || last < LUA_MAXINTEGER + first, 3, "too many elements to move");
        const lua_Integer n = last - first + 1;
        luaL_argcheck(L, to <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        // Overlapping ranges in one table are copied from the far end, as Lua does.
        const bool forward = to > last || to <= first || (destination != 1 && !lua_compare(L, 1, destination, LUA_OPEQ));
        for (lua_Integer done = 0; done < n;) {
            const lua_Integer batch = n - done < static_cast<lua_Integer>(kChargeEvery) ? n - done : static_cast<lua_Integer>(kChargeEvery);
            if (!cpu_budget_charge(L, static_cast<std::uint64_t>(batch))) return luaL_error(L, "too many elements to move");
            for (lua_Integer k = done; k < done + batch; ++k) {
                const lua_Integer i = forward ? k : n - 1 - k;
                lua_geti(L, 1, first + i);
                lua_seti(L, destination, to + i);
            }
            done += batch;
        }
    }
    lua_pushvalue(L, destination);
    return 1;
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
    lua_pushcfunction(L, charged_sort);
    lua_setfield(L, index, "sort");
    lua_pushcfunction(L, charged_move);
    lua_setfield(L, index, "move");
}

void charged_builtins_install_string(lua_State* L, int index) {
    index = lua_absindex(L, index);
    wrap_builtin(L, index, "rep", bounded_rep);
}

}  // namespace luaos
