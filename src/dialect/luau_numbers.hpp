#pragma once
// Luau has one number type, the double. Lua 5.4 has two, and its integers
// wrap, divide by zero with an error and print without ".0". So every numeral
// of a Luau script becomes a float numeral, and Luau's processes format
// numbers as Luau does.

#include <optional>
#include <string>
#include <string_view>

namespace luaos::luau {

// The Lua 5.4 float numeral for a Luau numeral (`1_000` -> `1000.0`,
// `0b101` -> `5.0`, `0xFFFFFFFFFFFFFFFF` -> `1.8446744073709552e+19`);
// nullopt when it is malformed.
std::optional<std::string> lua_numeral(std::string_view luau_numeral);

// Enough for any number format_number writes, and its terminating zero.
inline constexpr std::size_t kNumberBufferSize = 48;

// Writes `value` as Luau's tostring does: integral values without a point,
// otherwise the shortest digits that read back the same, fixed-point from
// 1e-5 to 1e21 and scientific outside (`1e+21`, `1e-07`), `inf`, `-inf`,
// `nan`, `-0`. Returns the length; `buffer` is terminated.
std::size_t format_number(double value, char* buffer);

}  // namespace luaos::luau
