#include "store/boot_list.hpp"

#include <charconv>

namespace luaos {
namespace {

void put(std::string& out, std::string_view text) {
    out.append(std::to_string(text.size())).push_back(':');
    out.append(text);
}

bool take(std::string_view& in, std::string_view& text) {
    const std::size_t colon = in.find(':');
    if (colon == std::string_view::npos) return false;
    std::size_t length = 0;
    const auto [end, error] = std::from_chars(in.data(), in.data() + colon, length);
    if (error != std::errc{} || end != in.data() + colon || length > in.size() - colon - 1) return false;
    text = in.substr(colon + 1, length);
    in.remove_prefix(colon + 1 + length);
    return true;
}

bool take_count(std::string_view& in, std::size_t& count) {
    std::string_view text;
    if (!take(in, text)) return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    return error == std::errc{} && end == text.data() + text.size() && count <= in.size();
}

}  // namespace

std::string boot_list_encode(const std::vector<BootEntry>& boot) {
    std::string out;
    put(out, std::to_string(boot.size()));
    for (const BootEntry& entry : boot) {
        put(out, entry.path);
        put(out, std::to_string(entry.args.size()));
        for (const std::string& arg : entry.args) put(out, arg);
    }
    return out;
}

std::optional<std::vector<BootEntry>> boot_list_decode(std::string_view in) {
    std::vector<BootEntry> boot;
    std::size_t entries = 0;
    if (!take_count(in, entries)) return std::nullopt;
    for (std::size_t i = 0; i < entries; ++i) {
        BootEntry entry;
        std::string_view path;
        std::size_t args = 0;
        if (!take(in, path) || !take_count(in, args)) return std::nullopt;
        entry.path = path;
        for (std::size_t a = 0; a < args; ++a) {
            std::string_view arg;
            if (!take(in, arg)) return std::nullopt;
            entry.args.emplace_back(arg);
        }
        boot.push_back(std::move(entry));
    }
    if (!in.empty()) return std::nullopt;
    return boot;
}

}  // namespace luaos
