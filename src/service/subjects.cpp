#include "service/subjects.hpp"

#include <array>
#include <charconv>
#include <utility>
#include <vector>

namespace luaos::service {
namespace {

std::vector<std::string_view> split_tokens(std::string_view subject) {
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = subject.find('.', start);
        tokens.push_back(subject.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return tokens;
        start = dot + 1;
    }
}

std::optional<Operation> node_operation(std::string_view first, std::string_view second) {
    if (first != "vm") return std::nullopt;
    if (second == "create") return Operation::VmCreate;
    if (second == "list") return Operation::VmList;
    if (second == "find") return Operation::VmFind;
    return std::nullopt;
}

std::optional<Operation> vm_operation(std::string_view name) {
    constexpr std::array<std::pair<std::string_view, Operation>, 6> kOperations{{
        {"status", Operation::VmStatus},
        {"stats", Operation::VmStats},
        {"destroy", Operation::VmDestroy},
        {"spawn", Operation::VmSpawn},
        {"stdin", Operation::VmStdin},
        {"kill", Operation::VmKill},
    }};
    for (const auto& [text, operation] : kOperations) {
        if (text == name) return operation;
    }
    return std::nullopt;
}

}  // namespace

std::optional<VmId> parse_vm_id(std::string_view text) {
    VmId id = 0;
    if (text.empty() || text.size() > 20 || text[0] == '0') return std::nullopt;
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(text.data(), last, id);
    if (error != std::errc{} || end != last) return std::nullopt;
    return id;
}

bool is_subject_token(std::string_view text) {
    if (text.empty() || text.size() > kMaxTokenLength) return false;
    for (char c : text) {
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        const bool digit = c >= '0' && c <= '9';
        if (!letter && !digit && c != '_' && c != '-') return false;
    }
    return true;
}

Subjects::Subjects(std::string node) : node_(std::move(node)), prefix_("luaos." + node_ + ".") {}

std::string Subjects::vm_events(VmId vm) const { return prefix_ + "vm." + std::to_string(vm) + ".events"; }

std::optional<RequestTarget> Subjects::parse(std::string_view subject) const {
    if (subject.substr(0, prefix_.size()) != prefix_) return std::nullopt;
    const std::vector<std::string_view> tokens = split_tokens(subject.substr(prefix_.size()));
    if (tokens.size() == 1 && tokens[0] == "stats") return RequestTarget{Operation::NodeStats, std::nullopt, {}};
    if (tokens.size() == 2) {
        const std::optional<Operation> operation = node_operation(tokens[0], tokens[1]);
        if (operation) return RequestTarget{*operation, std::nullopt, {}};
        return std::nullopt;
    }
    if (tokens.size() == 3 && tokens[0] == "vm") {
        const std::optional<Operation> operation = vm_operation(tokens[2]);
        if (!operation) return std::nullopt;
        // A token that is no VM id names VM 0, which no VM has.
        return RequestTarget{*operation, parse_vm_id(tokens[1]).value_or(0), std::string(tokens[1])};
    }
    return std::nullopt;
}

}  // namespace luaos::service
