#include "cli/size.hpp"

#include <charconv>
#include <limits>

namespace luaos::cli {
namespace {

// The multiplier a suffix letter stands for; 0 when it is not one.
std::uint64_t suffix_multiplier(char suffix) {
    switch (suffix) {
        case 'k': case 'K': return std::uint64_t{1} << 10;
        case 'm': case 'M': return std::uint64_t{1} << 20;
        case 'g': case 'G': return std::uint64_t{1} << 30;
        default: return 0;
    }
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) {
    std::uint64_t multiplier = 1;
    if (!text.empty() && suffix_multiplier(text.back()) != 0) {
        multiplier = suffix_multiplier(text.back());
        text.remove_suffix(1);
    }
    // from_chars takes digits only: no sign, no spaces, no empty number.
    std::uint64_t count = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    if (count > std::numeric_limits<std::uint64_t>::max() / multiplier) return std::nullopt;
    return count * multiplier;
}

}  // namespace luaos::cli
