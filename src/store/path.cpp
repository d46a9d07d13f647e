#include "store/path.hpp"

#include "luaos/file_limits.hpp"

namespace luaos {
namespace {

bool is_name_byte(unsigned char byte) { return byte >= 0x20 && byte <= 0x7E && byte != '/' && byte != '\\'; }

// Drops the last name of canonical `out` ("/a/b" -> "/a", "/a" -> "/").
void pop_name(std::string& out) {
    const std::size_t slash = out.rfind('/');
    out.resize(slash == 0 ? 1 : slash);
}

}  // namespace

const char* path_error_text(PathError error) {
    switch (error) {
        case PathError::None: return "valid path";
        case PathError::Empty: return "invalid path: empty";
        case PathError::BadName: return "invalid path: names are printable ASCII without '/' or '\\'";
        case PathError::NameTooLong: return "invalid path: a name is too long";
        case PathError::TooLong: return "invalid path: too long";
        case PathError::TooDeep: return "invalid path: too deep";
    }
    return "invalid path";
}

bool path_name_is_valid(std::string_view name) {
    if (name.empty() || name.size() > kMaxNameBytes || name == "." || name == "..") return false;
    for (const char c : name) {
        if (!is_name_byte(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

PathError path_resolve(std::string_view cwd, std::string_view path, const FileLimits& limits, std::string& out) {
    if (path.empty()) return PathError::Empty;
    if (path.size() > limits.path_bytes) return PathError::TooLong;
    if (path.front() == '/') {
        out.assign("/");
    } else {
        out.assign(cwd.empty() ? std::string_view{"/"} : cwd);
    }
    std::uint32_t depth = 0;
    for (const char c : out) depth += c == '/' ? 1 : 0;
    if (out == "/") depth = 0;
    std::size_t at = 0;
    while (at < path.size()) {
        std::size_t end = path.find('/', at);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view name = path.substr(at, end - at);
        at = end + 1;
        if (name.empty() || name == ".") continue;
        if (name == "..") {
            if (out.size() > 1) {
                pop_name(out);
                --depth;
            }
            continue;
        }
        if (name.size() > kMaxNameBytes) return PathError::NameTooLong;
        for (const char c : name) {
            if (!is_name_byte(static_cast<unsigned char>(c))) return PathError::BadName;
        }
        if (++depth > limits.path_depth) return PathError::TooDeep;
        if (out.size() > 1) out.push_back('/');
        out.append(name);
        if (out.size() > limits.path_bytes) return PathError::TooLong;
    }
    return PathError::None;
}

std::string_view path_parent(std::string_view canonical) {
    const std::size_t slash = canonical.rfind('/');
    if (slash == std::string_view::npos || slash == 0) return "/";
    return canonical.substr(0, slash);
}

std::string_view path_name(std::string_view canonical) {
    const std::size_t slash = canonical.rfind('/');
    return slash == std::string_view::npos ? canonical : canonical.substr(slash + 1);
}

std::string path_join(std::string_view dir, std::string_view name) {
    std::string joined(dir);
    if (joined.size() != 1) joined.push_back('/');
    joined.append(name);
    return joined;
}

bool path_is_within(std::string_view path, std::string_view dir) {
    if (dir == "/") return true;
    return path.starts_with(dir) && (path.size() == dir.size() || path[dir.size()] == '/');
}

}  // namespace luaos
