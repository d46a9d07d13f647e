#pragma once
// What host calls on one runtime reuse from call to call: the arguments and
// results of the call in progress, the encoding buffer for table arguments,
// and the text of a host function's exception. One per runtime (in its
// SharedKernel), so that a call finds it with the limits it reads anyway:
// a runtime runs one slice at a time, so one call at a time uses it.
// Vectors that keep their capacity make a call with a few numbers, booleans
// or short strings allocate nothing.

#include <string>
#include <vector>

#include "luaos/host_value.hpp"

namespace luaos {

struct HostCallScratch {
    std::vector<HostValue> args;
    std::vector<HostValue> results;
    std::string encoded;
    std::string error;
};

}  // namespace luaos
