#pragma once
// Paths inside a VM's file system, and the rules their names follow.
//
// A script writes a path as it likes: absolute ("/etc/boot"), relative to its
// process's working directory ("notes/a.txt", "../bin"), with "." and ".."
// anywhere and slashes repeated. Every path is resolved here, once, into its
// canonical form before anything else sees it: "/" for the root, else "/"
// followed by names joined with single slashes, with no "." or "..". A ".."
// at the root stays at the root, as in Unix, so no path can name anything
// above the VM's own root; and since a canonical path is only ever a key in
// the VM's store (never a path of the host's file system), nothing the
// script writes can reach the host's files either.
//
// Names are printable ASCII (bytes 0x20 to 0x7E) except '/' and '\', and
// 1 to kMaxNameBytes bytes long; "." and ".." are not names but steps. A
// NUL byte, a control character or a byte over 0x7E makes the whole path
// invalid. The path as written, and the path it resolves to, are each at most
// FileLimits::path_bytes long, and the resolved path has at most
// FileLimits::path_depth names: resolution is linear in the path's length,
// and the length is bounded before any work is done.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace luaos {

struct FileLimits;

inline constexpr std::size_t kMaxNameBytes = 64;

enum class PathError : std::uint8_t {
    None,
    Empty,        // "" names nothing
    BadName,      // a byte a name may not hold (docs/storage.md)
    NameTooLong,  // a name over kMaxNameBytes
    TooLong,      // over FileLimits::path_bytes, as written or resolved
    TooDeep,      // more names than FileLimits::path_depth
};

// The reason a script reads: "invalid path: ...".
const char* path_error_text(PathError error);

// Whether `name` is a valid name (not "." or "..").
bool path_name_is_valid(std::string_view name);

// Resolves `path` against `cwd` (a canonical path) into `out`, canonical.
PathError path_resolve(std::string_view cwd, std::string_view path, const FileLimits& limits, std::string& out);

// The canonical path's parent ("/" for "/a" and for "/") and last name ("" for "/").
std::string_view path_parent(std::string_view canonical);
std::string_view path_name(std::string_view canonical);

// `child` under directory `dir` (both canonical): "/a" + "b" is "/a/b", "/" + "b" is "/b".
std::string path_join(std::string_view dir, std::string_view name);

// Whether canonical `path` is `dir` itself or lies under it.
bool path_is_within(std::string_view path, std::string_view dir);

}  // namespace luaos
