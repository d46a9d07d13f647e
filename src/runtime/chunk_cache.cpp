#include "runtime/chunk_cache.hpp"

#include <lua.hpp>

#include "dialect/luau_translator.hpp"
#include "runtime/error_text.hpp"
#include "runtime/luau_library.hpp"

namespace luaos {
namespace {

struct CompileRequest {
    std::string_view source;   // the script as written, for its syntax errors
    // The same script as the main function of a chunk that returns it: first
    // without varargs, then with them for a script that uses `...`.
    std::string_view wrapped;
    std::string_view wrapped_vararg;
    std::string chunkname;
    int main_ref = LUA_NOREF;
};

// A `#` first line (a shebang) is skipped as the standalone interpreter does;
// the newline stays so line numbers hold.
std::string_view strip_shebang(std::string_view code) {
    if (code.substr(0, 3) == "\xEF\xBB\xBF") code.remove_prefix(3);
    if (code.empty() || code.front() != '#') return code;
    std::size_t eol = code.find('\n');
    return eol == std::string_view::npos ? std::string_view{} : code.substr(eol);
}

int compile_protected(lua_State* L) {
    auto* request = static_cast<CompileRequest*>(lua_touserdata(L, 1));
    const char* name = request->chunkname.c_str();
    // The script alone first, so its syntax errors read as they would in plain
    // Lua rather than mention the function wrapped around it.
    if (luaL_loadbufferx(L, request->source.data(), request->source.size(), name, "t") != LUA_OK) {
        return lua_error(L);
    }
    lua_pop(L, 1);
    if (luaL_loadbufferx(L, request->wrapped.data(), request->wrapped.size(), name, "t") != LUA_OK) {
        lua_pop(L, 1);  // the script uses `...`
        if (luaL_loadbufferx(L, request->wrapped_vararg.data(), request->wrapped_vararg.size(), name, "t") != LUA_OK) {
            return lua_error(L);
        }
    }
    luau_push_helpers(L);  // a Lua chunk ignores them
    lua_call(L, 1, 1);
    request->main_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

}  // namespace

CompiledChunk* ChunkCache::acquire(std::string_view code, std::string_view name, Dialect dialect,
                                   std::string& error) {
    // The key is built in a buffer kept between calls: a spawn of an already
    // compiled script then allocates nothing here.
    std::string& key = key_buffer_;
    key.clear();
    key.append(name).push_back('\0');
    key.push_back(dialect == Dialect::Luau ? 'u' : 'l');
    key.append(code);
    auto found = chunks_.find(key);
    if (found != chunks_.end()) {
        ++found->second.users;
        return &found->second;
    }

    std::string_view source = strip_shebang(code);
    std::string prologue;
    luau::LuauTranslation translation;
    if (dialect == Dialect::Luau) {
        translation = luau::translate_luau(source, name);
        if (!translation.ok()) {
            error = std::move(translation.error);
            return nullptr;
        }
        source = translation.lua;
        prologue.append("local __luau_rt = ...; ").append(luau::kLuauHelperPrologue);
    }
    const std::string wrapped = prologue + "return function(_ENV) " + std::string(source) + "\nend";
    const std::string wrapped_vararg = prologue + "return function(_ENV, ...) " + std::string(source) + "\nend";
    CompileRequest request{source, wrapped, wrapped_vararg, std::string("@").append(name)};
    lua_pushcfunction(L_, compile_protected);
    lua_pushlightuserdata(L_, &request);
    if (lua_pcall(L_, 1, 0, 0) != LUA_OK) {
        error = error_text(L_, -1);
        lua_pop(L_, 1);
        return nullptr;
    }
    auto [it, inserted] = chunks_.emplace(key, CompiledChunk{});
    it->second.main_ref = request.main_ref;
    it->second.users = 1;
    it->second.key = &it->first;
    return &it->second;
}

void ChunkCache::release(CompiledChunk* chunk) {
    if (chunk == nullptr || --chunk->users > 0) return;
    luaL_unref(L_, LUA_REGISTRYINDEX, chunk->main_ref);
    chunks_.erase(*chunk->key);
}

}  // namespace luaos
