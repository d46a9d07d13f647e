#include "service/host_value_json.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

namespace luaos::service {
namespace {

// Whether a table's keys are exactly 1..n (n > 0): a JSON array.
bool is_sequence(const HostValue::Entries& entries) {
    std::vector<bool> seen(entries.size(), false);
    for (const auto& [key, value] : entries) {
        if (key.type() != HostValue::Type::Integer) return false;
        const std::int64_t index = key.integer();
        if (index < 1 || static_cast<std::uint64_t>(index) > entries.size() || seen[index - 1]) return false;
        seen[index - 1] = true;
    }
    return !entries.empty();
}

bool has_string_keys(const HostValue::Entries& entries) {
    for (const auto& entry : entries) {
        if (entry.first.type() != HostValue::Type::String) return false;
    }
    return true;
}

Json table_to_json(const HostValue::Entries& entries) {
    if (is_sequence(entries)) {
        Json array = Json::array();
        array.get_ref<Json::array_t&>().resize(entries.size());
        for (const auto& [key, value] : entries) array[static_cast<std::size_t>(key.integer() - 1)] = host_value_to_json(value);
        return array;
    }
    if (!has_string_keys(entries)) {
        throw JsonFormError("a table sent to the game needs string keys, or the keys 1..n (a JSON object or array)");
    }
    Json object = Json::object();
    for (const auto& [key, value] : entries) object[key.string()] = host_value_to_json(value);
    return object;
}

HostValue array_from_json(const Json& array) {
    std::vector<HostValue> values;
    values.reserve(array.size());
    for (const Json& element : array) values.push_back(host_value_from_json(element));
    return HostValue::list(std::move(values));
}

HostValue object_from_json(const Json& object) {
    HostValue::Entries entries;
    entries.reserve(object.size());
    for (const auto& [key, value] : object.items()) entries.emplace_back(HostValue(key), host_value_from_json(value));
    return HostValue::table(std::move(entries));
}

}  // namespace

Json host_value_to_json(const HostValue& value) {
    switch (value.type()) {
        case HostValue::Type::Nil: return nullptr;
        case HostValue::Type::Boolean: return value.boolean();
        case HostValue::Type::Integer: return value.integer();
        case HostValue::Type::Number: return std::isfinite(value.number()) ? Json(value.number()) : Json(nullptr);
        case HostValue::Type::String: return value.string();
        case HostValue::Type::Table: return table_to_json(value.entries());
    }
    return nullptr;
}

Json host_values_to_json(const std::vector<HostValue>& values) {
    Json array = Json::array();
    for (std::size_t i = 0; i < values.size(); ++i) {
        try {
            array.push_back(host_value_to_json(values[i]));
        } catch (const JsonFormError& error) {
            throw JsonFormError("argument " + std::to_string(i + 1) + ": " + error.what());
        }
    }
    return array;
}

HostValue host_value_from_json(const Json& json) {
    switch (json.type()) {
        case Json::value_t::boolean: return json.get<bool>();
        case Json::value_t::number_integer: return json.get<std::int64_t>();
        case Json::value_t::number_unsigned: {
            const auto number = json.get<std::uint64_t>();
            if (number <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
                return static_cast<std::int64_t>(number);
            }
            return static_cast<double>(number);
        }
        case Json::value_t::number_float: return json.get<double>();
        case Json::value_t::string: return json.get_ref<const std::string&>();
        case Json::value_t::array: return array_from_json(json);
        case Json::value_t::object: return object_from_json(json);
        default: return nullptr;
    }
}

}  // namespace luaos::service
