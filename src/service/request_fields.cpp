#include "service/request_fields.hpp"

#include <algorithm>

namespace luaos::service {
namespace {

// How deep arrays and objects nest, counted without parsing, so that a
// hostile body of a million '[' is refused before a parser walks it.
std::size_t nesting_depth(std::string_view body) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    bool escaped = false;
    for (char c : body) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

const char* type_name(const Json& value) {
    return value.type_name();
}

}  // namespace

RequestError bad_request(const std::string& message) { return RequestError("bad_request", message); }

Json parse_request_body(std::string_view body, std::size_t max_depth) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
    if (nesting_depth(body) > max_depth) {
        throw RequestError("bad_json", "the body nests deeper than " + std::to_string(max_depth) + " levels");
    }
    Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw RequestError("bad_json", "the body is not valid JSON");
    if (!parsed.is_object()) {
        throw RequestError("bad_json", std::string("the body must be a JSON object, not ") + type_name(parsed));
    }
    return parsed;
}

RequestFields::RequestFields(const Json& object, std::string where, std::initializer_list<std::string_view> known)
    : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) throw bad_request(where_ + " must be an object, not " + type_name(object_));
    for (const auto& [key, value] : object_.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            // The key is the client's: bound what the reply repeats of it.
            throw bad_request(where_ + " has an unknown field '" + key.substr(0, 64) + "'");
        }
    }
}

const Json* RequestFields::field(const char* name) const {
    auto found = object_.find(name);
    if (found == object_.end() || found->is_null()) return nullptr;
    return &*found;
}

std::optional<std::string> RequestFields::optional_string(const char* name, std::size_t max_bytes) const {
    const Json* value = field(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) throw bad_request(path(name) + " must be a string, not " + type_name(*value));
    const auto& text = value->get_ref<const std::string&>();
    if (text.size() > max_bytes) {
        throw RequestError("too_large", path(name) + " is longer than " + std::to_string(max_bytes) + " bytes");
    }
    return text;
}

std::string RequestFields::string(const char* name, std::size_t max_bytes) const {
    std::optional<std::string> text = optional_string(name, max_bytes);
    if (!text) throw bad_request(path(name) + " is required");
    return std::move(*text);
}

std::optional<std::uint64_t> RequestFields::optional_integer(const char* name, std::uint64_t min,
                                                             std::uint64_t max) const {
    const Json* value = field(name);
    if (value == nullptr) return std::nullopt;
    const std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
    if (!value->is_number_integer()) throw bad_request(path(name) + " must be an integer" + range);
    if (value->is_number_unsigned()) {
        const auto number = value->get<std::uint64_t>();
        if (number >= min && number <= max) return number;
    } else {
        const auto number = value->get<std::int64_t>();
        if (number >= 0 && static_cast<std::uint64_t>(number) >= min && static_cast<std::uint64_t>(number) <= max) {
            return static_cast<std::uint64_t>(number);
        }
    }
    throw bad_request(path(name) + " must be an integer" + range);
}

std::uint64_t RequestFields::integer(const char* name, std::uint64_t min, std::uint64_t max) const {
    std::optional<std::uint64_t> number = optional_integer(name, min, max);
    if (!number) throw bad_request(path(name) + " is required");
    return *number;
}

bool RequestFields::optional_bool(const char* name, bool absent) const {
    const Json* value = field(name);
    if (value == nullptr) return absent;
    if (!value->is_boolean()) throw bad_request(path(name) + " must be true or false, not " + type_name(*value));
    return value->get<bool>();
}

std::vector<std::string> RequestFields::optional_strings(const char* name, std::size_t max_count,
                                                         std::size_t max_bytes) const {
    std::vector<std::string> strings;
    const Json* value = field(name);
    if (value == nullptr) return strings;
    if (!value->is_array()) throw bad_request(path(name) + " must be an array of strings, not " + type_name(*value));
    if (value->size() > max_count) {
        throw RequestError("too_large", path(name) + " has more than " + std::to_string(max_count) + " entries");
    }
    std::size_t bytes = 0;
    for (const Json& entry : *value) {
        if (!entry.is_string()) throw bad_request(path(name) + " must be an array of strings");
        const auto& text = entry.get_ref<const std::string&>();
        bytes += text.size();
        if (bytes > max_bytes) {
            throw RequestError("too_large", path(name) + " holds more than " + std::to_string(max_bytes) + " bytes");
        }
        strings.push_back(text);
    }
    return strings;
}

std::vector<const Json*> RequestFields::optional_objects(const char* name, std::size_t max_count) const {
    std::vector<const Json*> objects;
    const Json* value = field(name);
    if (value == nullptr) return objects;
    if (!value->is_array()) throw bad_request(path(name) + " must be an array of objects, not " + type_name(*value));
    if (value->size() > max_count) {
        throw RequestError("too_large", path(name) + " has more than " + std::to_string(max_count) + " entries");
    }
    for (const Json& entry : *value) objects.push_back(&entry);
    return objects;
}

}  // namespace luaos::service
