#pragma once
// Compile once per distinct source: every process spawned from the same
// script shares one compiled prototype.
//
// A Lua chunk's main function has _ENV as its only upvalue, so one compiled
// main function could not serve two processes with different globals. Each
// source is therefore compiled as `return function(_ENV) <source> end`, all
// on the source's own first line so line numbers hold: _ENV becomes the main
// function's first parameter, and every process runs the one closure that
// chunk returns, with its own globals passed in. A spawn allocates no closure
// and no upvalue; a process's main function costs it nothing but its stack
// frame. A script that uses `...` is compiled as `function(_ENV, ...)`
// instead; only such a script pays for a vararg frame, which Lua builds by
// copying the function above its arguments, and which made every slice of
// the stress shape about 10% slower.
// Luau sources are translated to Lua first (dialect/luau_translator.hpp),
// once per distinct source too: the chunk around the main function receives
// the table of helpers the translated code calls and binds them to locals,
// upvalues that every process shares and no script can name.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "luaos/dialect.hpp"

struct lua_State;

namespace luaos {

struct CompiledChunk {
    int main_ref = -1;  // the shared main function, `function(_ENV)` or `function(_ENV, ...)`; LUA_NOREF until compiled
    std::size_t users = 0;
    const std::string* key = nullptr;
};

class ChunkCache {
public:
    explicit ChunkCache(lua_State* L) : L_(L) {}
    ChunkCache(const ChunkCache&) = delete;
    ChunkCache& operator=(const ChunkCache&) = delete;

    // The compiled chunk for `code` in `dialect` named `name`, with one more
    // user; null with `error` set (naming the chunk and line) when the source
    // does not compile.
    CompiledChunk* acquire(std::string_view code, std::string_view name, Dialect dialect, std::string& error);
    // Drops one user; the last one frees the compiled code.
    void release(CompiledChunk* chunk);
    std::size_t size() const { return chunks_.size(); }

private:
    lua_State* L_;
    std::unordered_map<std::string, CompiledChunk> chunks_;
    std::string key_buffer_;
};

}  // namespace luaos
