#include "net/name_service.hpp"

namespace luaos {

void NameService::set(std::string name, std::vector<NetAddress> addresses) {
    if (addresses.empty()) {
        names_.erase(name);
        return;
    }
    names_[std::move(name)] = std::move(addresses);
}

std::span<const NetAddress> NameService::lookup(std::string_view name) const {
    auto found = names_.find(name);
    if (found == names_.end()) return {};
    return found->second;
}

}  // namespace luaos
