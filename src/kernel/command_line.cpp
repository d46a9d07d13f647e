#include "kernel/command_line.hpp"

#include <lua.hpp>

#include "kernel/api_arguments.hpp"
#include "runtime/cpu_budget.hpp"

namespace luaos {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

// Each word is built in a luaL_Buffer while nothing else is pushed, then
// stored; nothing here holds a C++ object, so Lua's errors may pass.
int command_line_parse(lua_State* L) {
    std::size_t len = 0;
    const char* line = api_check_string(L, "os.parse_cmd", 1, &len);
    if (!cpu_budget_charge(L, len)) return luaL_error(L, "command line too long to parse");
    lua_settop(L, 1);
    lua_createtable(L, 0, 2);  // 2: the result
    lua_newtable(L);           // 3: args
    lua_Integer count = 0;     // words so far, the program included
    std::size_t i = 0;
    for (;;) {
        while (i < len && is_blank(line[i])) ++i;
        if (i >= len) break;
        luaL_Buffer word;
        luaL_buffinit(L, &word);
        // key=value: an '=' after a non-empty key with no quote or escape before it.
        std::size_t key_length = 0;
        bool plain = true;
        while (i < len && !is_blank(line[i])) {
            const char c = line[i];
            if (c == '\'' || c == '"') {
                if (key_length == 0) plain = false;
                const std::size_t open = i++;
                while (i < len && line[i] != c) {
                    if (c == '"' && line[i] == '\\' && i + 1 < len && (line[i + 1] == '"' || line[i + 1] == '\\')) ++i;
                    luaL_addchar(&word, line[i]);
                    ++i;
                }
                if (i >= len) {
                    luaL_pushresult(&word);
                    lua_pushnil(L);
                    lua_pushfstring(L, "unterminated quote at character %d", static_cast<int>(open + 1));
                    return 2;
                }
                ++i;  // the closing quote
            } else if (c == '\\' && i + 1 < len) {
                if (key_length == 0) plain = false;
                luaL_addchar(&word, line[i + 1]);
                i += 2;
            } else {
                if (plain && key_length == 0) {
                    if (c == '=') {
                        key_length = luaL_bufflen(&word);
                        plain = key_length > 0;
                    } else if (!is_key_char(c)) {
                        plain = false;
                    }
                }
                luaL_addchar(&word, c);
                ++i;
            }
        }
        luaL_pushresult(&word);  // 4: the word
        if (count == 0) {
            lua_setfield(L, 2, "program");
        } else {
            if (key_length > 0) {
                std::size_t word_length = 0;
                const char* text = lua_tolstring(L, 4, &word_length);
                lua_pushlstring(L, text, key_length);
                lua_pushlstring(L, text + key_length + 1, word_length - key_length - 1);
                lua_rawset(L, 3);
            }
            lua_rawseti(L, 3, count);
        }
        ++count;
    }
    if (count == 0) {
        lua_pushnil(L);
        lua_pushliteral(L, "empty command line");
        return 2;
    }
    lua_pushvalue(L, 3);
    lua_setfield(L, 2, "args");
    lua_settop(L, 2);
    return 1;
}

}  // namespace luaos
