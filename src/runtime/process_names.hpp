#pragma once
// Processes' names, stored once per distinct name in each runtime. Most
// processes are spawned from a few scripts and programs and share their
// names, so a process holds a pointer to its name (8 bytes) rather than a
// std::string of its own (32). The last process bearing a name frees it.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace luaos {

class ProcessNames {
public:
    ProcessNames() = default;
    ProcessNames(const ProcessNames&) = delete;
    ProcessNames& operator=(const ProcessNames&) = delete;

    // The stored `name`, with one more bearer.
    const std::string* acquire(std::string_view name);
    // Drops one bearer of a name acquire() returned.
    void release(const std::string* name);
    // Distinct names borne now.
    std::size_t size() const { return bearers_.size(); }

private:
    struct Hash {
        using is_transparent = void;  // lookups by string_view, without a copy
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> bearers_;
};

}  // namespace luaos
