#include "kernel/host_functions/host_value_copy.hpp"

#include <lua.hpp>

namespace luaos {

EncodeError host_value_read(lua_State* L, int index, const ProcessLimits& limits, std::vector<HostValue>& out,
                            std::string& scratch, std::size_t& bytes, int& bad_type) {
    switch (lua_type(L, index)) {
        case LUA_TNIL: out.emplace_back(); break;
        case LUA_TBOOLEAN: out.emplace_back(lua_toboolean(L, index) != 0); break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, index)) {
                out.emplace_back(static_cast<std::int64_t>(lua_tointeger(L, index)));
            } else {
                out.emplace_back(static_cast<double>(lua_tonumber(L, index)));
            }
            bytes += 8;
            break;
        case LUA_TSTRING: {
            std::size_t len = 0;
            const char* text = lua_tolstring(L, index, &len);
            bytes += len;
            if (bytes > limits.mailbox_bytes) return EncodeError::Size;
            out.emplace_back(std::string_view(text, len));
            break;
        }
        default: {
            scratch.clear();
            const EncodeError error =
                message_encode(L, index, limits.mailbox_bytes - bytes, limits.message_depth, scratch, bad_type);
            if (error != EncodeError::None) return error;
            bytes += scratch.size();
            out.push_back(message_to_host_value(scratch));
            break;
        }
    }
    return EncodeError::None;
}

void host_value_push(lua_State* L, const HostValue& value) {
    switch (value.type()) {
        case HostValue::Type::Nil: lua_pushnil(L); break;
        case HostValue::Type::Boolean: lua_pushboolean(L, value.boolean() ? 1 : 0); break;
        case HostValue::Type::Integer: lua_pushinteger(L, value.integer()); break;
        case HostValue::Type::Number: lua_pushnumber(L, value.number()); break;
        case HostValue::Type::String: lua_pushlstring(L, value.string().data(), value.string().size()); break;
        case HostValue::Type::Table: {
            const HostValue::Entries& entries = value.entries();
            luaL_checkstack(L, 3, "host function result nested too deeply");
            lua_createtable(L, 0, static_cast<int>(entries.size()));
            for (const auto& [key, item] : entries) {
                host_value_push(L, key);
                host_value_push(L, item);
                lua_rawset(L, -3);
            }
            break;
        }
    }
}

int host_values_raise(lua_State* L, const char* function, EncodeError error, int bad_type, int bad_index,
                      const ProcessLimits& limits) {
    switch (error) {
        case EncodeError::Type:
            return luaL_error(L, "%s: argument %d: cannot pass a %s (pass nil, booleans, numbers, strings and tables of those)",
                              function, bad_index, lua_typename(L, bad_type));
        case EncodeError::Size:
            return luaL_error(L, "%s: arguments too large (the limit is %d bytes)", function,
                              static_cast<int>(limits.mailbox_bytes));
        case EncodeError::Depth:
            return luaL_error(L, "%s: argument %d: tables nested too deeply (the limit is %d)", function, bad_index,
                              static_cast<int>(limits.message_depth));
        default: return luaL_error(L, "%s: argument %d: %s", function, bad_index, encode_error_text(error));
    }
}

}  // namespace luaos
