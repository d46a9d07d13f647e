#pragma once
// A value passed between scripts and host functions (luaos/host_functions.hpp):
// nil, a boolean, an integer, a float, a string, or a table of those. Values
// cross by copy under the message rules (docs/process-api.md, "Messages"),
// so that no Lua value of one process reaches the host or another process.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace luaos {

class HostValue {
public:
    enum class Type : std::uint8_t { Nil, Boolean, Integer, Number, String, Table };
    // A table's key-value pairs, in no particular order (keys are booleans,
    // numbers or strings; values are never nil).
    using Entries = std::vector<std::pair<HostValue, HostValue>>;

    HostValue() = default;
    HostValue(std::nullptr_t) {}
    HostValue(bool value) : type_(Type::Boolean) { scalar_.boolean = value; }
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    HostValue(T value) : type_(Type::Integer) {
        scalar_.integer = static_cast<std::int64_t>(value);
    }
    HostValue(double value) : type_(Type::Number) { scalar_.number = value; }
    HostValue(std::string value) : type_(Type::String), string_(std::move(value)) {}
    HostValue(std::string_view value) : type_(Type::String), string_(value) {}
    HostValue(const char* value) : type_(Type::String), string_(value) {}
    // A table; pairs with a nil key or value are left out.
    static HostValue table(Entries entries);
    // A sequence: {values[0], values[1], ...} at keys 1, 2, ...
    static HostValue list(std::vector<HostValue> values);

    Type type() const { return type_; }
    bool is_nil() const { return type() == Type::Nil; }
    // The accessors throw std::invalid_argument for a value of another type
    // ("a number expected, got a string"): in a host function, that becomes
    // the script's error.
    bool boolean() const;
    // An integer, or a float with an integral value.
    std::int64_t integer() const;
    // An integer or a float.
    double number() const;
    const std::string& string() const;
    const Entries& entries() const;
    // t[key] for a table; nil for a missing key (throws for a non-table).
    const HostValue& operator[](const HostValue& key) const;

    friend bool operator==(const HostValue& a, const HostValue& b);

private:
    Type type_ = Type::Nil;
    union {
        bool boolean;
        std::int64_t integer;
        double number;
    } scalar_{.integer = 0};
    std::string string_;
    std::shared_ptr<const Entries> table_;  // shared by copies: a table is never changed once made
};

// "nil", "boolean", "integer", "number", "string" or "table".
const char* host_type_name(HostValue::Type type);

}  // namespace luaos
