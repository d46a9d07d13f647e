#include "kernel/fs_library.hpp"

#include <lua.hpp>
#include <string>
#include <vector>

#include "kernel/file_handle.hpp"
#include "kernel/os_files.hpp"
#include "kernel/process_files.hpp"
#include "kernel/shared_kernel.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/cpu_budget.hpp"
#include "runtime/readonly.hpp"
#include "runtime/sandbox.hpp"
#include "store/path.hpp"

// Lua errors are longjmps: no function here holds a C++ object with a
// destructor across a call that may raise one. Paths and names are built in
// per-thread scratch strings, which a longjmp leaves as they are; a
// runtime, and so a Lua state, is used by one thread at a time.

namespace luaos {
namespace {

thread_local std::string resolved_scratch;
thread_local std::vector<std::string> names_scratch;
thread_local std::string program_scratch;

// Steps of the CPU budget an fs call costs besides its bytes (a store lookup).
constexpr std::uint64_t kCallCost = 16;
constexpr std::uint64_t kBytesPerBudgetUnit = 16;

Process& caller(lua_State* L, const char* function) {
    Process* process = current_process(Runtime::of(L));
    if (process == nullptr) luaL_error(L, "%s works only inside a process", function);
    return *process;
}

int bad_argument(lua_State* L, int arg, const char* function, const char* expected) {
    return luaL_error(L, "bad argument #%d to '%s' (%s expected, got %s)", arg, function, expected,
                      luaL_typename(L, arg));
}

void charge(lua_State* L, const char* function, std::uint64_t bytes) {
    if (!cpu_budget_charge(L, kCallCost + bytes / kBytesPerBudgetUnit)) {
        luaL_error(L, "%s: too much work for one slice", function);
    }
}

int fail(lua_State* L, const char* why) {
    luaL_pushfail(L);
    lua_pushstring(L, why);
    return 2;
}

int done(lua_State* L, const char* why) {
    if (why != nullptr) return fail(L, why);
    lua_pushboolean(L, 1);
    return 1;
}

// Checks that argument `arg` is a string and resolves it against the
// caller's working directory, replacing it on the stack with the canonical
// path; the reason when the path is invalid.
const char* resolve_arg(lua_State* L, Process& self, int arg, const char* function) {
    if (lua_type(L, arg) != LUA_TSTRING) bad_argument(L, arg, function, "string");
    std::size_t len = 0;
    const char* path = lua_tolstring(L, arg, &len);
    charge(L, function, len);
    const PathError error = path_resolve(process_cwd(self), {path, len}, SharedKernel::of(self.os().runtime()).options.file_limits,
                                         resolved_scratch);
    if (error != PathError::None) return path_error_text(error);
    lua_pushlstring(L, resolved_scratch.data(), resolved_scratch.size());
    lua_replace(L, arg);
    return nullptr;
}

std::string_view arg_path(lua_State* L, int arg) {
    std::size_t len = 0;
    const char* path = lua_tolstring(L, arg, &len);
    return {path, len};
}

// "r", "w", "a", each with an optional "+" and then an optional "b" (as io.open).
bool mode_is_valid(const char* mode) {
    if (*mode == '\0' || std::string_view("rwa").find(*mode++) == std::string_view::npos) return false;
    if (*mode == '+') ++mode;
    if (*mode == 'b') ++mode;
    return *mode == '\0';
}

// fs.open and io.open: (path [, mode]) -> handle, or nil and the reason.
int open_file(lua_State* L, const char* function) {
    Process& self = caller(L, function);
    const char* mode = "r";
    if (!lua_isnoneornil(L, 2)) {
        if (lua_type(L, 2) != LUA_TSTRING) return bad_argument(L, 2, function, "string");
        mode = lua_tostring(L, 2);
        if (!mode_is_valid(mode)) return luaL_error(L, "bad argument #2 to '%s' (invalid mode '%s')", function, mode);
    }
    if (const char* why = resolve_arg(L, self, 1, function)) return fail(L, why);
    return file_handle_open(L, arg_path(L, 1), mode);
}

int fs_open(lua_State* L) { return open_file(L, "fs.open"); }

int io_open(lua_State* L) { return open_file(L, "io.open"); }

// io.lines(path [, format]): as in Lua, the iterator, two nils and the open
// file (a for loop's to-be-closed value, so leaving the loop closes it);
// a file that cannot be opened is an error. Without a path Lua reads stdin:
// here io.read does that, so the path is required.
int io_lines(lua_State* L) {
    Process& self = caller(L, "io.lines");
    if (lua_type(L, 1) != LUA_TSTRING) {
        return luaL_error(L, "bad argument #1 to 'io.lines' (file name expected, got %s; stdin is read with io.read)",
                          luaL_typename(L, 1));
    }
    lua_settop(L, 2);
    lua_pushvalue(L, 1);  // 3: the path as written, for the error
    if (const char* why = resolve_arg(L, self, 1, "io.lines")) {
        return luaL_error(L, "io.lines: %s: %s", lua_tostring(L, 3), why);
    }
    if (file_handle_open(L, arg_path(L, 1), "r") != 1) {
        return luaL_error(L, "io.lines: %s: %s", lua_tostring(L, 3), lua_tostring(L, -1));
    }
    file_handle_push_lines(L, 4, 2);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushvalue(L, 4);
    return 4;
}

int fs_list(lua_State* L) {
    Process& self = caller(L, "fs.list");
    if (const char* why = resolve_arg(L, self, 1, "fs.list")) return fail(L, why);
    if (const char* why = os_files(self.os()).list(arg_path(L, 1), names_scratch)) return fail(L, why);
    charge(L, "fs.list", names_scratch.size() * kMaxNameBytes);
    lua_createtable(L, static_cast<int>(names_scratch.size()), 0);
    for (std::size_t i = 0; i < names_scratch.size(); ++i) {
        lua_pushlstring(L, names_scratch[i].data(), names_scratch[i].size());
        lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    return 1;
}

int fs_mkdir(lua_State* L) {
    Process& self = caller(L, "fs.mkdir");
    if (const char* why = resolve_arg(L, self, 1, "fs.mkdir")) return fail(L, why);
    return done(L, os_files(self.os()).make_directory(arg_path(L, 1), self.os().ticks()));
}

int fs_remove(lua_State* L) {
    Process& self = caller(L, "fs.remove");
    if (!lua_isnoneornil(L, 2) && !lua_isboolean(L, 2)) return bad_argument(L, 2, "fs.remove", "boolean");
    const bool recursive = lua_toboolean(L, 2) != 0;
    if (const char* why = resolve_arg(L, self, 1, "fs.remove")) return fail(L, why);
    return done(L, os_files(self.os()).remove(arg_path(L, 1), recursive));
}

int fs_rename(lua_State* L) {
    Process& self = caller(L, "fs.rename");
    if (lua_type(L, 2) != LUA_TSTRING) return bad_argument(L, 2, "fs.rename", "string");
    if (const char* why = resolve_arg(L, self, 1, "fs.rename")) return fail(L, why);
    if (const char* why = resolve_arg(L, self, 2, "fs.rename")) return fail(L, why);
    return done(L, os_files(self.os()).rename(arg_path(L, 1), arg_path(L, 2)));
}

int fs_copy(lua_State* L) {
    Process& self = caller(L, "fs.copy");
    if (lua_type(L, 2) != LUA_TSTRING) return bad_argument(L, 2, "fs.copy", "string");
    if (const char* why = resolve_arg(L, self, 1, "fs.copy")) return fail(L, why);
    if (const char* why = resolve_arg(L, self, 2, "fs.copy")) return fail(L, why);
    VmFiles& files = os_files(self.os());
    // Charged before: what is under the source bounds what the copy writes.
    const std::optional<NodeStat> source = files.stat(arg_path(L, 1));
    std::uint64_t bytes = source ? source->size : 0;
    if (source && source->kind == NodeKind::Directory) bytes = files.store().usage_under(files.id(), arg_path(L, 1)).bytes;
    charge(L, "fs.copy", bytes);
    return done(L, files.copy(arg_path(L, 1), arg_path(L, 2), self.os().ticks(), bytes));
}

int fs_stat(lua_State* L) {
    Process& self = caller(L, "fs.stat");
    if (const char* why = resolve_arg(L, self, 1, "fs.stat")) return fail(L, why);
    const std::optional<NodeStat> node = os_files(self.os()).stat(arg_path(L, 1));
    if (!node) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, static_cast<lua_Integer>(node->size));
    lua_setfield(L, -2, "size");
    lua_pushstring(L, node->kind == NodeKind::Directory ? "directory" : "file");
    lua_setfield(L, -2, "kind");
    lua_pushinteger(L, static_cast<lua_Integer>(node->modified));
    lua_setfield(L, -2, "modified");
    return 1;
}

int fs_exists(lua_State* L) {
    Process& self = caller(L, "fs.exists");
    if (resolve_arg(L, self, 1, "fs.exists") != nullptr) {
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_pushboolean(L, os_files(self.os()).stat(arg_path(L, 1)).has_value() ? 1 : 0);
    return 1;
}

int fs_free(lua_State* L) {
    Process& self = caller(L, "fs.free");
    lua_pushinteger(L, static_cast<lua_Integer>(os_files(self.os()).free()));
    return 1;
}

}  // namespace

int os_chdir(lua_State* L) {
    Process& self = caller(L, "os.chdir");
    if (const char* why = resolve_arg(L, self, 1, "os.chdir")) return fail(L, why);
    const std::optional<NodeStat> node = os_files(self.os()).stat(arg_path(L, 1));
    if (!node) return fail(L, fs_reason::kNoSuchFile);
    if (node->kind != NodeKind::Directory) return fail(L, fs_reason::kNotADirectory);
    process_files(self).cwd.assign(arg_path(L, 1));
    lua_pushboolean(L, 1);
    return 1;
}

int os_getcwd(lua_State* L) {
    const std::string_view cwd = process_cwd(caller(L, "os.getcwd"));
    lua_pushlstring(L, cwd.data(), cwd.size());
    return 1;
}

bool fs_push_program_file(lua_State* L, int name_index) {
    Process& self = caller(L, "os.spawn");
    std::size_t len = 0;
    const char* name = lua_tolstring(L, name_index, &len);
    const std::string_view wanted(name, len);
    bool found = false;
    {  // raises nothing
        static constexpr std::string_view kSuffixes[] = {"", ".lua", ".luau"};
        thread_local std::string candidate;
        const FileLimits& limits = SharedKernel::of(self.os().runtime()).options.file_limits;
        VmFiles& files = os_files(self.os());
        const bool is_path = wanted.find('/') != std::string_view::npos;
        for (const std::string_view suffix : kSuffixes) {
            candidate.assign(wanted).append(suffix);
            const std::string_view from = is_path ? process_cwd(self) : std::string_view("/bin");
            if (path_resolve(from, candidate, limits, resolved_scratch) != PathError::None) break;
            found = files.read(resolved_scratch, program_scratch) == nullptr;
            if (found || is_path) break;  // a path names one file
        }
    }
    if (!found) return false;
    charge(L, "os.spawn", program_scratch.size());
    lua_pushlstring(L, program_scratch.data(), program_scratch.size());
    lua_pushlstring(L, resolved_scratch.data(), resolved_scratch.size());
    return true;
}

namespace {

const luaL_Reg kFsFunctions[] = {
    {"open", fs_open},     {"list", fs_list}, {"mkdir", fs_mkdir},   {"remove", fs_remove}, {"rename", fs_rename},
    {"copy", fs_copy},     {"stat", fs_stat}, {"exists", fs_exists}, {"free", fs_free},     {nullptr, nullptr},
};

const luaL_Reg kIoFileFunctions[] = {{"open", io_open}, {"lines", io_lines}, {nullptr, nullptr}};

}  // namespace

void fs_library_add_io(lua_State* L) { luaL_setfuncs(L, kIoFileFunctions, 0); }

void fs_library_install(lua_State* L) {
    file_handle_install(L);
    luaL_newlib(L, kFsFunctions);
    readonly_push_view(L, -1);
    for (const Dialect dialect : {Dialect::Lua, Dialect::Luau}) {
        sandbox_push_library(L, dialect);
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "fs");
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
}

}  // namespace luaos
