#pragma once
// An open file of a process: what fs.open returns.
//
// A handle holds the file's whole contents in a buffer while it is open:
// opened for reading, the file is read at once; written, the buffer goes to
// the store as one whole file when the handle is flushed or closed, or when
// the process ends. So the store never holds half of one write: it has a
// file as it was at some flush (docs/storage.md). The buffer is allocated
// through the Lua allocator, charged to the process that opened it, so the
// VM's memory limit bounds what all its open files hold.
//
// A handle is a full userdata; its owner (the process's ProcessFiles) lists
// it while it is open, so that the process's end can close it. A closed
// handle keeps nothing but itself, and Lua frees it in its own time.

#include <cstddef>
#include <cstdint>
#include <string_view>

struct lua_State;

namespace luaos {

class Os;
struct ProcessFiles;

struct FileHandle {
    FileHandle* next = nullptr;  // in its owner's list of open handles
    FileHandle* prev = nullptr;
    ProcessFiles* owner = nullptr;  // null once closed
    Os* os = nullptr;
    char* data = nullptr;  // the contents: `size` bytes in a block of `capacity`
    std::size_t size = 0;
    std::size_t capacity = 0;
    std::size_t position = 0;
    std::uint64_t stored_size = 0;  // its size in the store when opened or last flushed
    bool readable = false;
    bool writable = false;
    bool append = false;
    bool dirty = false;  // written since opened or last flushed
    bool truncating = false;  // opened "w" (or "a", creating it) and not flushed since
    std::uint32_t path_length = 0;
    // The canonical path follows the struct, in the same userdata.
    std::string_view path() const { return {reinterpret_cast<const char*>(this + 1), path_length}; }
};

// fs.open(path, mode): `path` canonical, `mode` already checked ("r", "w+", ...).
// Pushes the handle, or nil and the reason.
int file_handle_open(lua_State* L, std::string_view path, const char* mode);
// io.lines: pushes an iterator over the lines (or items of the format at
// `format`, if any) of the open handle at `handle`, which closes it at the end.
void file_handle_push_lines(lua_State* L, int handle, int format);
// Writes the handle back and closes it, outside any slice (the process ended).
void file_handle_close_at_end(lua_State* L, FileHandle& handle);
// Registers the handles' metatable in L (once, under lua_pcall).
void file_handle_install(lua_State* L);

}  // namespace luaos
