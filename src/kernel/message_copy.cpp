#include "kernel/message_copy.hpp"

#include <cstring>
#include <lua.hpp>
#include <vector>

#include "luaos/host_value.hpp"

namespace luaos {
namespace {

enum Tag : char {
    kNil = 'z',
    kFalse = 'f',
    kTrue = 't',
    kInteger = 'i',
    kFloat = 'd',
    kString = 's',
    kTable = 'T',
    kEnd = 'e',
};

template <typename T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <typename T>
T get(const char*& at) {
    T value;
    std::memcpy(&value, at, sizeof(T));
    at += sizeof(T);
    return value;
}

class Encoder {
public:
    Encoder(lua_State* L, std::size_t max_bytes, std::uint32_t max_depth, std::string& out)
        : L_(L), max_bytes_(max_bytes), max_depth_(max_depth), out_(out) {}

    EncodeError value(int index, bool is_key) {
        switch (lua_type(L_, index)) {
            case LUA_TNIL:
                if (is_key) return EncodeError::KeyType;
                out_.push_back(kNil);
                break;
            case LUA_TBOOLEAN: out_.push_back(lua_toboolean(L_, index) ? kTrue : kFalse); break;
            case LUA_TNUMBER:
                if (lua_isinteger(L_, index)) {
                    out_.push_back(kInteger);
                    put<lua_Integer>(out_, lua_tointeger(L_, index));
                } else {
                    out_.push_back(kFloat);
                    put<lua_Number>(out_, lua_tonumber(L_, index));
                }
                break;
            case LUA_TSTRING: {
                std::size_t len = 0;
                const char* text = lua_tolstring(L_, index, &len);  // a string: no conversion, no allocation
                if (len > max_bytes_) return EncodeError::Size;
                out_.push_back(kString);
                put<std::uint32_t>(out_, static_cast<std::uint32_t>(len));
                out_.append(text, len);
                break;
            }
            case LUA_TTABLE:
                if (is_key) return EncodeError::KeyType;
                return table(index);
            default:
                bad_type_ = lua_type(L_, index);
                return is_key ? EncodeError::KeyType : EncodeError::Type;
        }
        return out_.size() > max_bytes_ ? EncodeError::Size : EncodeError::None;
    }

    int bad_type() const { return bad_type_; }

private:
    EncodeError table(int index) {
        index = lua_absindex(L_, index);
        const void* identity = lua_topointer(L_, index);
        for (const void* open : path_) {
            if (open == identity) return EncodeError::Cycle;
        }
        if (path_.size() >= max_depth_) return EncodeError::Depth;
        if (!lua_checkstack(L_, 3)) return EncodeError::Depth;
        path_.push_back(identity);
        out_.push_back(kTable);
        lua_pushnil(L_);
        while (lua_next(L_, index) != 0) {  // raw: no metamethods
            EncodeError error = value(-2, true);
            if (error == EncodeError::None) error = value(-1, false);
            lua_pop(L_, 1);
            if (error != EncodeError::None) {
                lua_pop(L_, 1);
                return error;
            }
        }
        out_.push_back(kEnd);
        path_.pop_back();
        return out_.size() > max_bytes_ ? EncodeError::Size : EncodeError::None;
    }

    lua_State* L_;
    std::size_t max_bytes_;
    std::uint32_t max_depth_;
    std::string& out_;
    std::vector<const void*> path_;  // the tables being encoded, outermost first
    int bad_type_ = LUA_TNONE;
};

// Pushes the value at `at` and advances past it.
void push_value(lua_State* L, const char*& at) {
    luaL_checkstack(L, 3, "message nested too deeply");
    switch (*at++) {
        case kNil: lua_pushnil(L); break;
        case kFalse: lua_pushboolean(L, 0); break;
        case kTrue: lua_pushboolean(L, 1); break;
        case kInteger: lua_pushinteger(L, get<lua_Integer>(at)); break;
        case kFloat: lua_pushnumber(L, get<lua_Number>(at)); break;
        case kString: {
            const auto len = get<std::uint32_t>(at);
            lua_pushlstring(L, at, len);
            at += len;
            break;
        }
        case kTable:
            lua_newtable(L);
            while (*at != kEnd) {
                push_value(L, at);
                push_value(L, at);
                lua_rawset(L, -3);
            }
            ++at;
            break;
        default: lua_pushnil(L); break;  // not reached: only the encoder writes messages
    }
}

// Reads the value at `at` and advances past it.
HostValue read_host_value(const char*& at) {
    switch (*at++) {
        case kFalse: return false;
        case kTrue: return true;
        case kInteger: return get<lua_Integer>(at);
        case kFloat: return get<lua_Number>(at);
        case kString: {
            const auto len = get<std::uint32_t>(at);
            std::string text(at, len);
            at += len;
            return text;
        }
        case kTable: {
            HostValue::Entries entries;
            while (*at != kEnd) {
                HostValue key = read_host_value(at);
                HostValue value = read_host_value(at);
                entries.emplace_back(std::move(key), std::move(value));
            }
            ++at;
            return HostValue::table(std::move(entries));
        }
        default: return {};  // kNil
    }
}

}  // namespace

const char* encode_error_text(EncodeError error) {
    switch (error) {
        case EncodeError::None: return "no error";
        case EncodeError::Type: return "cannot send a value of this type";
        case EncodeError::KeyType: return "table keys must be booleans, numbers or strings";
        case EncodeError::Cycle: return "cannot send a table that contains itself (a cycle)";
        case EncodeError::Depth: return "message tables nested too deeply";
        case EncodeError::Size: return "message too large";
    }
    return "?";
}

EncodeError message_encode(lua_State* L, int index, std::size_t max_bytes, std::uint32_t max_depth, std::string& out,
                           int& bad_type) {
    Encoder encoder(L, max_bytes, max_depth, out);
    const int top = lua_gettop(L);
    EncodeError error = encoder.value(index, false);
    lua_settop(L, top);
    bad_type = encoder.bad_type();
    return error;
}

void message_encode_string(std::string_view text, std::string& out) {
    out.push_back(kString);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(text.size()));
    out.append(text);
}

void message_push(lua_State* L, const std::string& bytes) {
    const char* at = bytes.data();
    push_value(L, at);
}

}  // namespace luaos

namespace luaos {

HostValue message_to_host_value(std::string_view bytes) {
    const char* at = bytes.data();
    return read_host_value(at);
}

}  // namespace luaos
