#pragma once
// Compile once per distinct source: every process spawned from the same
// script shares one compiled prototype.
//
// A Lua chunk's main function has _ENV as its only upvalue, so one compiled
// function cannot serve two processes with different globals. Each source is
// therefore compiled as a factory, `local _ENV = ...; return function(...)
// <source> end`, all on the source's own first line so line numbers hold.
// Calling the factory with a globals table returns a new closure of the shared
// prototype, bound to those globals: a spawn costs a call, not a compile.
// Luau sources are translated to Lua first (dialect/luau_translator.hpp),
// once per distinct source too: the factory's second argument is the table
// of helpers the translated code calls, bound to locals of the factory.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "luaos/dialect.hpp"

struct lua_State;

namespace luaos {

struct CompiledChunk {
    int factory_ref = -1;  // LUA_NOREF until compiled
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
