#pragma once
// A request body's fields, read with their types and bounds checked: any
// mistake throws BadRequest naming the field, which becomes the error reply.
// Fields a request does not know are refused too, so that a misspelt option
// is an error rather than silently ignored.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace luaos::service {

using Json = nlohmann::ordered_json;

// An error reply's code and message (docs/serve.md lists the codes).
class RequestError : public std::runtime_error {
public:
    RequestError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

private:
    std::string code_;
};

// "bad_request": the body is JSON but not what the subject expects.
RequestError bad_request(const std::string& message);

// Parses a request body: an object (an empty body reads as {}), nested at
// most `max_depth` deep; RequestError "bad_json" otherwise.
Json parse_request_body(std::string_view body, std::size_t max_depth);

class RequestFields {
public:
    // `where` names the object in messages ("body", "boot[2]"); `known` are
    // the fields it may have.
    RequestFields(const Json& object, std::string where, std::initializer_list<std::string_view> known);

    bool has(const char* name) const { return object_.contains(name); }
    std::string string(const char* name, std::size_t max_bytes) const;
    std::optional<std::string> optional_string(const char* name, std::size_t max_bytes) const;
    std::uint64_t integer(const char* name, std::uint64_t min, std::uint64_t max) const;
    std::optional<std::uint64_t> optional_integer(const char* name, std::uint64_t min, std::uint64_t max) const;
    bool optional_bool(const char* name, bool absent) const;
    // An array of strings: at most `max_count`, `max_bytes` all together.
    std::vector<std::string> optional_strings(const char* name, std::size_t max_count, std::size_t max_bytes) const;
    // An array of objects, at most `max_count`; empty when absent.
    std::vector<const Json*> optional_objects(const char* name, std::size_t max_count) const;
    // The name of field `name` for messages ("body.pid", "boot[2].args").
    std::string path(const char* name) const { return where_ + "." + name; }

private:
    const Json* field(const char* name) const;

    const Json& object_;
    std::string where_;
};

}  // namespace luaos::service
