#pragma once
// Luau -> Lua 5.4, source to source.
//
// The output keeps every token on the line it had in the Luau source (only
// ever adding code within a line, never a line), so Lua's own compile and
// runtime errors name the Luau script's lines with no mapping table. Type
// annotations are dropped; Luau's additions to the syntax become Lua 5.4
// (compound assignment, continue, if-expressions, string interpolation,
// generalized iteration, Luau's numerals). docs/luau.md lists what is
// translated how. Translation is linear in the source's size, and nesting is
// bounded (kMaxLuauDepth): hostile input gets an error, never a deep stack.

#include <string>
#include <string_view>

namespace luaos::luau {

inline constexpr int kMaxLuauDepth = 200;  // as Lua's own parser: LUAI_MAXCCALLS

// The translated code calls three helpers, locals of the chunk that wraps
// the script's main function (runtime/chunk_cache.hpp), bound from the table
// `__luau_rt` (runtime/luau_library.cpp):
//   __luau_cat(a, b, ...)     a .. b .. ..., numbers formatted as Luau does
//   __luau_interp(...)        `...{x}...`: the tostring of each part, joined
//   __luau_iter(f, s, c)      generalized iteration: `for k, v in t do`
// Identifiers of the script that begin with `__luau_` are renamed, so none
// can shadow them, nor assign them: they are upvalues that every process of
// the chunk shares.
inline constexpr std::string_view kLuauHelperPrologue =
    "local __luau_cat, __luau_interp, __luau_iter = __luau_rt.cat, __luau_rt.interp, __luau_rt.iter; ";

struct LuauTranslation {
    std::string lua;    // the Lua 5.4 text, when error is empty
    std::string error;  // "CHUNKNAME:LINE: message", as Lua words a syntax error
    bool ok() const { return error.empty(); }
};

// `chunkname` is how errors name the script (Lua's short source: a file name).
LuauTranslation translate_luau(std::string_view source, std::string_view chunkname);

}  // namespace luaos::luau
