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
    HostValue(bool value) : type_(Type::Boolean) { storage_.boolean = value; }
    template <std::integral T>
        requires(!std::same_as<T, bool>)
    HostValue(T value) : type_(Type::Integer) {
        storage_.integer = static_cast<std::int64_t>(value);
    }
    HostValue(double value) : type_(Type::Number) { storage_.number = value; }
    HostValue(std::string value) { set_text(std::move(value)); }
    HostValue(std::string_view value) { set_text(std::string(value)); }
    HostValue(const char* value) { set_text(std::string(value)); }
    HostValue(const HostValue& other) { copy_from(other); }
    HostValue(HostValue&& other) noexcept { move_from(other); }
    // Assignments build the new value first: `v = v["key"]` is safe.
    HostValue& operator=(const HostValue& other) {
        HostValue copy(other);
        return *this = std::move(copy);
    }
    HostValue& operator=(HostValue&& other) noexcept {
        if (this != &other) {
            HostValue moved(std::move(other));
            destroy();
            move_from(moved);
        }
        return *this;
    }
    ~HostValue() { destroy(); }
    // A table; pairs with a nil key or value are left out.
    static HostValue table(Entries entries);
    // A sequence: {values[0], values[1], ...} at keys 1, 2, ...
    static HostValue list(std::vector<HostValue> values);

    Type type() const { return type_; }
    bool is_nil() const { return type() == Type::Nil; }
    // The accessors throw std::invalid_argument for a value of another type
    // ("a number expected, got a string"): in a host function, that becomes
    // the script's error.
    bool boolean() const {
        if (type_ != Type::Boolean) [[unlikely]] wrong_type(Type::Boolean);
        return storage_.boolean;
    }
    // An integer, or a float with an integral value.
    std::int64_t integer() const {
        if (type_ == Type::Integer) [[likely]] return storage_.integer;
        return integer_of_float();
    }
    // An integer or a float.
    double number() const {
        if (type_ == Type::Number) return storage_.number;
        if (type_ != Type::Integer) [[unlikely]] wrong_type(Type::Number);
        return static_cast<double>(storage_.integer);
    }
    const std::string& string() const {
        if (type_ != Type::String) [[unlikely]] wrong_type(Type::String);
        return storage_.text;
    }
    const Entries& entries() const {
        if (type_ != Type::Table) [[unlikely]] wrong_type(Type::Table);
        return *storage_.table;
    }
    // t[key] for a table; nil for a missing key (throws for a non-table).
    const HostValue& operator[](const HostValue& key) const;

    friend bool operator==(const HostValue& a, const HostValue& b);

private:
    // The accessors' slow paths, out of line: they are inline so that a host
    // function reading numbers costs a compare, not a call.
    [[noreturn]] void wrong_type(Type expected) const;
    std::int64_t integer_of_float() const;

    // One member of the union lives, the one `type_` names (none for nil):
    // a number is built, moved and destroyed as two words, so that a call
    // passing numbers costs little more than the numbers.
    union Storage {
        Storage() : integer(0) {}
        ~Storage() {}
        bool boolean;
        std::int64_t integer;
        double number;
        std::string text;
        std::shared_ptr<const Entries> table;  // shared by copies: a table is never changed once made
    };

    void set_text(std::string&& text) {
        std::construct_at(&storage_.text, std::move(text));
        type_ = Type::String;
    }
    void set_table(std::shared_ptr<const Entries> table) {
        std::construct_at(&storage_.table, std::move(table));
        type_ = Type::Table;
    }
    void copy_from(const HostValue& other) {
        switch (other.type_) {
            case Type::Nil: break;
            case Type::Boolean: storage_.boolean = other.storage_.boolean; break;
            case Type::Integer: storage_.integer = other.storage_.integer; break;
            case Type::Number: storage_.number = other.storage_.number; break;
            case Type::String: std::construct_at(&storage_.text, other.storage_.text); break;
            case Type::Table: std::construct_at(&storage_.table, other.storage_.table); break;
        }
        type_ = other.type_;
    }
    // `other` keeps its type, with an empty string or no table.
    void move_from(HostValue& other) noexcept {
        if (other.type_ == Type::Integer) [[likely]] {
            storage_.integer = other.storage_.integer;
        } else if (other.type_ == Type::String) {
            std::construct_at(&storage_.text, std::move(other.storage_.text));
        } else if (other.type_ == Type::Table) {
            std::construct_at(&storage_.table, std::move(other.storage_.table));
        } else if (other.type_ == Type::Number) {
            storage_.number = other.storage_.number;
        } else if (other.type_ == Type::Boolean) {
            storage_.boolean = other.storage_.boolean;
        }
        type_ = other.type_;
    }
    void destroy() noexcept {
        if (type_ == Type::String) {
            std::destroy_at(&storage_.text);
        } else if (type_ == Type::Table) {
            std::destroy_at(&storage_.table);
        }
        type_ = Type::Nil;
    }

    Type type_ = Type::Nil;
    Storage storage_;
};

// "nil", "boolean", "integer", "number", "string" or "table".
const char* host_type_name(HostValue::Type type);

}  // namespace luaos
