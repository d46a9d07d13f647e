#pragma once
// A boot list as the SQLite store keeps it: one blob of length-prefixed
// strings ("<length>:<bytes>"), the entry count first, then each entry's
// path, argument count and arguments. Arguments may hold any byte.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "luaos/file_store.hpp"

namespace luaos {

std::string boot_list_encode(const std::vector<BootEntry>& boot);
// Empty when `blob` is not a boot list (a corrupt store).
std::optional<std::vector<BootEntry>> boot_list_decode(std::string_view blob);

}  // namespace luaos
