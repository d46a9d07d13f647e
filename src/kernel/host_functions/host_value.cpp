#include "luaos/host_value.hpp"

#include <cmath>
#include <stdexcept>

namespace luaos {
namespace {

const HostValue kNil;

}  // namespace

const char* host_type_name(HostValue::Type type) {
    switch (type) {
        case HostValue::Type::Nil: return "nil";
        case HostValue::Type::Boolean: return "boolean";
        case HostValue::Type::Integer: return "integer";
        case HostValue::Type::Number: return "number";
        case HostValue::Type::String: return "string";
        case HostValue::Type::Table: return "table";
    }
    return "?";
}

HostValue HostValue::table(Entries entries) {
    std::erase_if(entries, [](const auto& entry) { return entry.first.is_nil() || entry.second.is_nil(); });
    HostValue value;
    value.set_table(std::make_shared<const Entries>(std::move(entries)));
    return value;
}

HostValue HostValue::list(std::vector<HostValue> values) {
    Entries entries;
    entries.reserve(values.size());
    std::int64_t key = 1;
    for (HostValue& value : values) entries.emplace_back(key++, std::move(value));
    return table(std::move(entries));
}

void HostValue::wrong_type(Type expected) const {
    const char* article = expected == Type::Integer ? "an " : "a ";
    throw std::invalid_argument(article + std::string(host_type_name(expected)) + " expected, got " +
                                host_type_name(type_));
}

std::int64_t HostValue::integer_of_float() const {
    if (type_ != Type::Number) wrong_type(Type::Integer);
    const double value = storage_.number;
    if (std::floor(value) == value && value >= -0x1p63 && value < 0x1p63) return static_cast<std::int64_t>(value);
    throw std::invalid_argument("an integer expected, got a number with no integer representation");
}

// Keys compare as Lua's do: an integral float finds the integer key.
const HostValue& HostValue::operator[](const HostValue& key) const {
    const Entries& all = entries();
    for (const auto& [k, v] : all) {
        if (k == key) return v;
        const bool numbers = (k.type() == Type::Integer || k.type() == Type::Number) &&
                             (key.type() == Type::Integer || key.type() == Type::Number);
        if (numbers && k.number() == key.number()) return v;
    }
    return kNil;
}

bool operator==(const HostValue& a, const HostValue& b) {
    if (a.type() != b.type()) return false;
    switch (a.type()) {
        case HostValue::Type::Nil: return true;
        case HostValue::Type::Boolean: return a.storage_.boolean == b.storage_.boolean;
        case HostValue::Type::Integer: return a.storage_.integer == b.storage_.integer;
        case HostValue::Type::Number: return a.storage_.number == b.storage_.number;
        case HostValue::Type::String: return a.storage_.text == b.storage_.text;
        case HostValue::Type::Table: break;
    }
    const HostValue::Entries& left = a.entries();
    const HostValue::Entries& right = b.entries();
    if (left.size() != right.size()) return false;
    for (const auto& [key, value] : left) {
        if (!(b[key] == value)) return false;
    }
    return true;
}

}  // namespace luaos
