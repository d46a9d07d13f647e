#include "service/shared_subjects.hpp"

#include <algorithm>

namespace luaos::service {

std::string vm_anywhere_subject(const std::string& uuid) { return "luaos.vm." + uuid + ".>"; }

std::string node_subject_for(const Subjects& node, VmId vm, std::string_view anywhere_subject) {
    // luaos.vm.<uuid>.<op...>: what follows the UUID's token is kept as is.
    constexpr std::string_view kPrefix = "luaos.vm.";
    std::string_view rest = anywhere_subject.substr(std::min(kPrefix.size(), anywhere_subject.size()));
    const std::size_t dot = rest.find('.');
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    return "luaos." + node.node() + ".vm." + std::to_string(vm) + "." + std::string(rest);
}

std::string_view node_of_events_subject(std::string_view subject) {
    constexpr std::string_view kPrefix = "luaos.";
    constexpr std::string_view kSuffix = ".events";
    if (subject.size() <= kPrefix.size() + kSuffix.size() || !subject.starts_with(kPrefix) ||
        !subject.ends_with(kSuffix)) {
        return {};
    }
    const std::string_view node = subject.substr(kPrefix.size(), subject.size() - kPrefix.size() - kSuffix.size());
    return is_subject_token(node) ? node : std::string_view();
}

}  // namespace luaos::service
