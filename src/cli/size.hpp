#pragma once
// SIZE values (`--memory-limit`): bytes, or a number with a K, M or G suffix.

#include <cstdint>
#include <optional>
#include <string_view>

namespace luaos::cli {

// "4096", "64K", "1m", "2G": K, M and G are powers of 1024, in either case.
// Empty when `text` is not of that form or does not fit in 64 bits.
std::optional<std::uint64_t> parse_size(std::string_view text);

}  // namespace luaos::cli
