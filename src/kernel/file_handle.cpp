#include "kernel/file_handle.hpp"

#include <algorithm>
#include <cstring>
#include <lua.hpp>
#include <string>

#include "kernel/os_files.hpp"
#include "kernel/process_files.hpp"
#include "kernel/process_api_state.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "runtime/cpu_budget.hpp"
#include "store/vm_files.hpp"

// Lua errors are longjmps: no function here holds a C++ object with a
// destructor across a call that may raise one.

namespace luaos {
namespace {

const char kHandleMetatable[] = "luaos.fs.handle";
constexpr const char* kNotEnoughMemory = "not enough memory";

// Bytes copied per unit of the CPU budget: a unit is about one VM
// instruction, and copying 16 bytes takes about as long.
constexpr std::uint64_t kBytesPerBudgetUnit = 16;

bool charge_copy(lua_State* L, std::uint64_t bytes) { return cpu_budget_charge(L, 1 + bytes / kBytesPerBudgetUnit); }

// Resizes the handle's buffer through the Lua allocator (charged to the
// running process); false, with the buffer as it was, when refused.
bool reserve(lua_State* L, FileHandle& handle, std::size_t capacity) {
    if (capacity <= handle.capacity) return true;
    capacity = std::max(capacity, handle.capacity * 2);
    void* allocator_data = nullptr;
    const lua_Alloc allocate = lua_getallocf(L, &allocator_data);
    void* grown = allocate(allocator_data, handle.data, handle.data != nullptr ? handle.capacity : 0, capacity);
    if (grown == nullptr) return false;
    handle.data = static_cast<char*>(grown);
    handle.capacity = capacity;
    return true;
}

void free_buffer(lua_State* L, FileHandle& handle) {
    if (handle.data != nullptr) {
        void* allocator_data = nullptr;
        const lua_Alloc allocate = lua_getallocf(L, &allocator_data);
        allocate(allocator_data, handle.data, handle.capacity, 0);
    }
    handle.data = nullptr;
    handle.size = handle.capacity = handle.position = 0;
}

void unlink(FileHandle& handle) {
    ProcessFiles& owner = *handle.owner;
    if (handle.prev != nullptr) handle.prev->next = handle.next;
    if (handle.next != nullptr) handle.next->prev = handle.prev;
    if (owner.open == &handle) owner.open = handle.next;
    --owner.open_count;
    handle.owner = nullptr;
    handle.next = handle.prev = nullptr;
}

// Writes the buffer to the store as the whole file, if it changed (or the
// file as opened, empty: VmFiles::truncate); the reason when not.
const char* flush(FileHandle& handle) {
    VmFiles& files = os_files(*handle.os);
    if (!handle.dirty) {
        if (!handle.truncating) return nullptr;
        handle.truncating = false;
        return files.write_truncated(handle.path());
    }
    const char* why = files.write(handle.path(), {handle.data, handle.size}, handle.os->ticks());
    if (why == nullptr) {
        handle.dirty = false;
        handle.truncating = false;
        handle.stored_size = handle.size;
    }
    return why;
}

// Flushes and closes; the flush's failure, if any (the handle is closed all the same).
const char* close(lua_State* L, FileHandle& handle) {
    const char* why = flush(handle);
    unlink(handle);
    free_buffer(L, handle);
    return why;
}

int fail(lua_State* L, const char* why) {
    luaL_pushfail(L);
    lua_pushstring(L, why);
    return 2;
}

FileHandle& check_handle(lua_State* L, const char* method) {
    auto* handle = static_cast<FileHandle*>(luaL_testudata(L, 1, kHandleMetatable));
    if (handle == nullptr) {
        luaL_error(L, "bad argument #1 to 'handle:%s' (file handle expected, got %s)", method, luaL_typename(L, 1));
    }
    return *handle;
}

FileHandle& check_open(lua_State* L, const char* method) {
    FileHandle& handle = check_handle(L, method);
    if (handle.owner == nullptr) luaL_error(L, "handle:%s: attempt to use a closed file", method);
    return handle;
}

// --- reading -------------------------------------------------------------

// Pushes the next line (with its newline if `keep_newline`), or nil at the end.
bool read_line(lua_State* L, FileHandle& handle, bool keep_newline) {
    if (handle.position >= handle.size) return false;
    const char* start = handle.data + handle.position;
    const std::size_t left = handle.size - handle.position;
    const void* newline = std::memchr(start, '\n', left);
    const std::size_t line = newline != nullptr ? static_cast<std::size_t>(static_cast<const char*>(newline) - start) : left;
    const std::size_t taken = newline != nullptr ? line + 1 : line;
    if (!charge_copy(L, taken)) luaL_error(L, "handle:read: line too long to read in one slice");
    lua_pushlstring(L, start, keep_newline ? taken : line);
    handle.position += taken;
    return true;
}

bool read_count(lua_State* L, FileHandle& handle, lua_Integer count) {
    const std::size_t left = handle.position < handle.size ? handle.size - handle.position : 0;
    if (left == 0) return false;
    const std::size_t taken = std::min(left, static_cast<std::size_t>(count));
    if (!charge_copy(L, taken)) luaL_error(L, "handle:read: too much to read in one slice");
    lua_pushlstring(L, handle.data + handle.position, taken);
    handle.position += taken;
    return true;
}

void read_all(lua_State* L, FileHandle& handle) {
    const std::size_t left = handle.position < handle.size ? handle.size - handle.position : 0;
    if (!charge_copy(L, left)) luaL_error(L, "handle:read: file too large to read in one slice");
    lua_pushlstring(L, handle.data + handle.position, left);
    handle.position += left;
}

// Reads one item as the format at `arg` says (the script's argument `shown`);
// false (nothing pushed) at the end of the file.
bool read_format(lua_State* L, FileHandle& handle, int arg, int shown, const char* method) {
    if (lua_type(L, arg) == LUA_TNUMBER) {
        const lua_Integer count = luaL_checkinteger(L, arg);
        if (count < 0) luaL_error(L, "bad argument #%d to 'handle:%s' (count must not be negative)", shown, method);
        return read_count(L, handle, count);
    }
    const char* format = lua_tostring(L, arg);
    if (format == nullptr) {
        luaL_error(L, "bad argument #%d to 'handle:%s' (format expected, got %s)", shown, method,
                   luaL_typename(L, arg));
    }
    if (*format == '*') ++format;  // Lua 5.1's "*l"
    if (format[0] != '\0' && format[1] == '\0') {
        switch (format[0]) {
            case 'l': return read_line(L, handle, false);
            case 'L': return read_line(L, handle, true);
            case 'a': read_all(L, handle); return true;
            default: break;
        }
    }
    return luaL_error(L, "bad argument #%d to 'handle:%s' (invalid format: 'l', 'L', 'a' or a count)", shown, method);
}

// handle:read(...): formats from `first` on, as file:read reads them.
int read_formats(lua_State* L, FileHandle& handle, int first, const char* method) {
    if (!handle.readable) return fail(L, "not open for reading");
    const int last = lua_gettop(L);
    if (last < first) {
        if (!read_line(L, handle, false)) luaL_pushfail(L);
        return 1;
    }
    luaL_checkstack(L, last - first + 1, "too many formats");
    int pushed = 0;
    for (int arg = first; arg <= last; ++arg) {
        ++pushed;
        if (!read_format(L, handle, arg, arg - first + 1, method)) {
            luaL_pushfail(L);
            break;
        }
    }
    return pushed;
}

int handle_read(lua_State* L) {
    FileHandle& handle = check_open(L, "read");
    return read_formats(L, handle, 2, "read");
}

// Upvalues: the handle, the format, and whether to close the handle at the
// end of the file (io.lines does, handle:lines does not).
int lines_next(lua_State* L) {
    auto* handle = static_cast<FileHandle*>(lua_touserdata(L, lua_upvalueindex(1)));
    if (handle->owner == nullptr) return luaL_error(L, "handle:lines: file is already closed");
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(2));
    const int pushed = read_formats(L, *handle, 1, "lines");
    if (lua_isnil(L, -1) && lua_toboolean(L, lua_upvalueindex(3)) != 0) close(L, *handle);
    return pushed;
}

void push_lines(lua_State* L, int handle, int format, bool close_at_end) {
    format = lua_absindex(L, format);
    const bool default_format = lua_isnoneornil(L, format);
    lua_pushvalue(L, handle);
    if (default_format) {
        lua_pushliteral(L, "l");
    } else {
        lua_pushvalue(L, format);
    }
    lua_pushboolean(L, close_at_end ? 1 : 0);
    lua_pushcclosure(L, lines_next, 3);
}

// handle:lines([format]): an iterator over its lines (or items of `format`).
int handle_lines(lua_State* L) {
    check_open(L, "lines");
    push_lines(L, 1, 2, false);
    return 1;
}

// --- writing -------------------------------------------------------------

int handle_write(lua_State* L) {
    FileHandle& handle = check_open(L, "write");
    const int last = lua_gettop(L);
    std::size_t bytes = 0;
    for (int arg = 2; arg <= last; ++arg) {
        if (lua_type(L, arg) != LUA_TSTRING && lua_type(L, arg) != LUA_TNUMBER) {
            return luaL_error(L, "bad argument #%d to 'handle:write' (string expected, got %s)", arg - 1,
                              luaL_typename(L, arg));
        }
        std::size_t len = 0;
        lua_tolstring(L, arg, &len);
        bytes += len;
    }
    if (!handle.writable) return fail(L, "not open for writing");
    if (handle.append) handle.position = handle.size;
    const std::size_t end = handle.position + bytes;
    const std::size_t new_size = std::max(handle.size, end);
    if (const char* why = os_files(*handle.os).check_size(handle.stored_size, new_size)) return fail(L, why);
    if (!charge_copy(L, bytes)) return luaL_error(L, "handle:write: too much to write in one slice");
    if (!reserve(L, handle, new_size)) return fail(L, kNotEnoughMemory);
    if (handle.position > handle.size) std::memset(handle.data + handle.size, 0, handle.position - handle.size);
    for (int arg = 2; arg <= last; ++arg) {
        std::size_t len = 0;
        const char* text = lua_tolstring(L, arg, &len);
        std::memcpy(handle.data + handle.position, text, len);
        handle.position += len;
    }
    handle.size = new_size;
    handle.dirty = true;
    lua_settop(L, 1);
    return 1;
}

int handle_flush(lua_State* L) {
    FileHandle& handle = check_open(L, "flush");
    if (!charge_copy(L, handle.dirty ? handle.size : 0)) return luaL_error(L, "handle:flush: too much to write in one slice");
    if (const char* why = flush(handle)) return fail(L, why);
    lua_settop(L, 1);
    return 1;
}

int handle_seek(lua_State* L) {
    FileHandle& handle = check_open(L, "seek");
    static const char* const kWhence[] = {"set", "cur", "end", nullptr};
    const int whence = luaL_checkoption(L, 2, "cur", kWhence);
    const lua_Integer offset = luaL_optinteger(L, 3, 0);
    const lua_Integer base = whence == 0 ? 0 : whence == 1 ? static_cast<lua_Integer>(handle.position)
                                                            : static_cast<lua_Integer>(handle.size);
    if ((offset > 0 && base > LUA_MAXINTEGER - offset) || base + offset < 0) return fail(L, "invalid position");
    const auto position = static_cast<std::uint64_t>(base + offset);
    if (position > os_files(*handle.os).limits().file_bytes) return fail(L, fs_reason::kFileTooLarge);
    handle.position = static_cast<std::size_t>(position);
    lua_pushinteger(L, static_cast<lua_Integer>(handle.position));
    return 1;
}

int handle_close(lua_State* L) {
    FileHandle& handle = check_open(L, "close");
    if (!charge_copy(L, handle.dirty ? handle.size : 0)) return luaL_error(L, "handle:close: too much to write in one slice");
    if (const char* why = close(L, handle)) return fail(L, why);
    lua_pushboolean(L, 1);
    return 1;
}

// __gc and __close: a handle dropped while open is written back and closed.
int handle_collect(lua_State* L) {
    auto* handle = static_cast<FileHandle*>(luaL_testudata(L, 1, kHandleMetatable));
    if (handle != nullptr && handle->owner != nullptr) close(L, *handle);
    return 0;
}

int handle_tostring(lua_State* L) {
    FileHandle& handle = check_handle(L, "tostring");
    if (handle.owner == nullptr) {
        lua_pushliteral(L, "file (closed)");
    } else {
        lua_pushfstring(L, "file (%p)", static_cast<void*>(&handle));
    }
    return 1;
}

const luaL_Reg kMethods[] = {
    {"read", handle_read},   {"lines", handle_lines}, {"write", handle_write}, {"flush", handle_flush},
    {"seek", handle_seek},   {"close", handle_close}, {nullptr, nullptr},
};

// Fills a new handle's buffer with the file's contents; the reason when it
// cannot. The contents pass through a per-thread string (no allocation once
// it has grown; a runtime is used by one thread at a time).
const char* load(lua_State* L, FileHandle& handle, VmFiles& files) {
    thread_local std::string contents;
    if (const char* why = files.read(handle.path(), contents)) return why;
    if (!charge_copy(L, contents.size())) return "file too large to read in one slice";
    if (!reserve(L, handle, contents.size())) return kNotEnoughMemory;
    if (!contents.empty()) std::memcpy(handle.data, contents.data(), contents.size());
    handle.size = contents.size();
    handle.stored_size = contents.size();
    return nullptr;
}

}  // namespace

int file_handle_open(lua_State* L, std::string_view path, const char* mode) {
    Process& self = *current_process(Runtime::of(L));
    ProcessFiles& owned = process_files(self);
    VmFiles& files = os_files(self.os());
    if (owned.open_count >= files.limits().open_handles) return fail(L, "too many open files");
    const bool plus = mode[1] == '+';
    auto* handle = static_cast<FileHandle*>(lua_newuserdatauv(L, sizeof(FileHandle) + path.size(), 0));
    new (handle) FileHandle();
    std::memcpy(handle + 1, path.data(), path.size());
    handle->path_length = static_cast<std::uint32_t>(path.size());
    handle->os = &self.os();
    handle->readable = mode[0] == 'r' || plus;
    handle->writable = mode[0] != 'r' || plus;
    handle->append = mode[0] == 'a';
    const char* why = nullptr;
    if (mode[0] == 'w') {
        why = files.truncate(path, self.os().ticks());
        handle->truncating = true;
    } else {
        why = load(L, *handle, files);
        if (why == fs_reason::kNoSuchFile && mode[0] == 'a') {
            why = files.truncate(path, self.os().ticks());
            handle->truncating = true;
        }
        handle->position = handle->append ? handle->size : 0;
    }
    if (why != nullptr) {
        free_buffer(L, *handle);
        return fail(L, why);
    }
    luaL_setmetatable(L, kHandleMetatable);
    handle->owner = &owned;
    handle->next = owned.open;
    if (owned.open != nullptr) owned.open->prev = handle;
    owned.open = handle;
    ++owned.open_count;
    return 1;
}

void file_handle_push_lines(lua_State* L, int handle, int format) { push_lines(L, handle, format, true); }

void file_handle_close_at_end(lua_State* L, FileHandle& handle) {
    if (handle.owner != nullptr) close(L, handle);
}

void file_handle_install(lua_State* L) {
    luaL_newmetatable(L, kHandleMetatable);
    luaL_newlib(L, kMethods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, handle_collect);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, handle_collect);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, handle_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
}

}  // namespace luaos
