#include "runtime/process_names.hpp"

#include <cassert>

namespace luaos {

const std::string* ProcessNames::acquire(std::string_view name) {
    auto it = bearers_.find(name);
    if (it == bearers_.end()) it = bearers_.emplace(name, 0).first;
    ++it->second;
    return &it->first;
}

void ProcessNames::release(const std::string* name) {
    auto it = bearers_.find(*name);
    assert(it != bearers_.end() && &it->first == name && "a name acquire() returned");
    if (it == bearers_.end()) return;
    if (--it->second == 0) bearers_.erase(it);
}

}  // namespace luaos
