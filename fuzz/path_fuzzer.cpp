// libFuzzer target: arbitrary bytes as a working directory and a path, as a
// hostile script would hand them to fs.open or os.chdir (store/path.hpp).
//
// The input is split at its first newline: the part before is resolved from
// the root and, when valid, becomes the working directory; the part after is
// resolved against it. Its first byte picks tight or default limits. What
// counts as a finding: a crash, a sanitizer report, or a resolved path that
// breaks the rules below (the checks abort):
//   - it is canonical: "/" or "/name/name...", no empty name, no "." or "..";
//   - every name follows the name rules and the limits hold;
//   - it is a fixed point: resolving it again, from any directory, gives it back.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "luaos/file_limits.hpp"
#include "store/path.hpp"

namespace {

[[noreturn]] void invariant_broken(const char* what, std::string_view path) {
    std::fprintf(stderr, "luaos path fuzz invariant broken: %s: '%.*s'\n", what, static_cast<int>(path.size()),
                 path.data());
    std::abort();
}

void check_canonical(std::string_view path, const luaos::FileLimits& limits) {
    if (path.empty() || path.front() != '/') invariant_broken("not absolute", path);
    if (path.size() > limits.path_bytes) invariant_broken("too long", path);
    if (path == "/") return;
    std::uint32_t depth = 0;
    std::size_t at = 1;
    while (at <= path.size()) {
        std::size_t end = path.find('/', at);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view name = path.substr(at, end - at);
        if (!luaos::path_name_is_valid(name)) invariant_broken("a name breaks the rules", path);
        ++depth;
        at = end + 1;
    }
    if (depth > limits.path_depth) invariant_broken("too deep", path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    luaos::FileLimits limits;
    if ((data[0] & 1) != 0) {
        limits.path_bytes = 24;
        limits.path_depth = 3;
    }
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    const std::size_t newline = input.find('\n');
    const std::string_view cwd_text = newline == std::string_view::npos ? std::string_view{} : input.substr(0, newline);
    const std::string_view path = newline == std::string_view::npos ? input : input.substr(newline + 1);

    std::string cwd = "/";
    if (!cwd_text.empty()) {
        std::string resolved;
        if (luaos::path_resolve("/", cwd_text, limits, resolved) == luaos::PathError::None) {
            check_canonical(resolved, limits);
            cwd = resolved;
        }
    }
    std::string resolved;
    if (luaos::path_resolve(cwd, path, limits, resolved) != luaos::PathError::None) return 0;
    check_canonical(resolved, limits);
    for (const std::string_view from : {std::string_view("/"), std::string_view(cwd)}) {
        std::string again;
        if (luaos::path_resolve(from, resolved, limits, again) != luaos::PathError::None || again != resolved) {
            invariant_broken("not a fixed point", resolved);
        }
    }
    if (!luaos::path_is_within(resolved, "/")) invariant_broken("outside the root", resolved);
    return 0;
}
