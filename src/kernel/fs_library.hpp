#pragma once
// The file system as scripts see it: fs.open, fs.list, fs.mkdir, fs.remove,
// fs.rename, fs.copy, fs.stat, fs.exists, fs.free, io.open and io.lines over
// the same files, and each process's working directory, os.chdir and
// os.getcwd (docs/storage.md). Every call acts on the
// calling process's own VM: paths are resolved against its root and its
// working directory (store/path.hpp), and nothing else is reachable.
//
// Conditions of the moment (no such file, not a directory, quota full, an
// invalid path) answer nil and the reason; arguments of the wrong type raise
// an error naming the function.

struct lua_State;

namespace luaos {

// Adds io.open and io.lines, the same files as fs.open's, to the io table
// on top of the stack.
void fs_library_add_io(lua_State* L);

// Adds fs to the runtime's shared libraries (Lua's and Luau's). Runs under
// lua_pcall, once per Lua state.
void fs_library_install(lua_State* L);

// os.chdir(path) -> true, or nil and why; os.getcwd() -> path. The process
// API installs them with the rest of os.
int os_chdir(lua_State* L);

// Programs are files (os.spawn): finds the file `name` names (the string at
// `name_index`) — a path when it holds a '/', else NAME, NAME.lua or NAME.luau
// in /bin — and pushes its contents and its canonical path. Pushes nothing
// and returns false when there is no such file.
bool fs_push_program_file(lua_State* L, int name_index);
int os_getcwd(lua_State* L);

}  // namespace luaos
