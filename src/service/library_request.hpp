#pragma once
// The "libraries" of a create request (docs/serve.md): the host libraries a
// game serves over NATS to the VM it creates (service/remote_calls.hpp),
// read and checked before the VM exists.

#include <vector>

#include "service/remote_calls.hpp"
#include "service/request_fields.hpp"
#include "service/service_limits.hpp"

namespace luaos::service {

// body.libraries: [{"name": "game", "functions": ["price", ...]}]; empty
// when absent. Names are Lua identifiers of at most 64 bytes (so, subject
// tokens too), given once; RequestError otherwise.
std::vector<RemoteLibrarySpec> read_libraries(const RequestFields& body, const ServiceLimits& limits);

}  // namespace luaos::service
