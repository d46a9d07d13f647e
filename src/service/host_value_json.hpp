#pragma once
// HostValues (luaos/host_value.hpp) as JSON, for host functions answered
// across the network (service/remote_calls.hpp): a script's arguments go to
// the game as JSON, and the game's results come back from it.
//
// To JSON: nil is null; booleans, integers, floats and strings are JSON's
// own (a float that is not finite is null; bytes that are not UTF-8 become
// U+FFFD when the body is written); a table whose keys are exactly 1..n is
// an array, one whose keys are all strings is an object, the empty table is
// {}. Any other table (keys that are booleans, or numbers other than 1..n)
// has no JSON form: the call fails, naming the argument.
// From JSON: null is nil, an integer that fits 64 bits an integer, any other
// number a float, an array a table with the keys 1..n (a null element leaves
// a hole), an object a table with string keys.

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "luaos/host_value.hpp"

namespace luaos::service {

using Json = nlohmann::ordered_json;

// A value that has no JSON form; the message says which and why.
class JsonFormError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

// The arguments of a call, as a JSON array; JsonFormError names the first
// argument that cannot be written ("argument 2: ...").
Json host_values_to_json(const std::vector<HostValue>& values);
Json host_value_to_json(const HostValue& value);

// Any JSON value; never throws but for memory.
HostValue host_value_from_json(const Json& json);

}  // namespace luaos::service
