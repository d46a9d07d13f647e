#include "dialect/luau_numbers.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace luaos::luau {
namespace {

// Digits in `base` (2 or 16) as Luau reads them: an unsigned 64-bit integer,
// converted to a double.
std::optional<double> read_integer(std::string_view digits, unsigned base) {
    if (digits.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : digits) {
        unsigned digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<unsigned>(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            digit = static_cast<unsigned>(c - 'A' + 10);
        } else {
            return std::nullopt;
        }
        if (digit >= base || value > (UINT64_MAX - digit) / base) return std::nullopt;
        value = value * base + digit;
    }
    return static_cast<double>(value);
}

bool is_decimal_numeral(std::string_view text) {
    std::size_t i = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++digits;
    }
    if (digits == 0) return false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        std::size_t exponent_digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, ++exponent_digits;
        if (exponent_digits == 0) return false;
    }
    return i == text.size();
}

}  // namespace

std::optional<std::string> lua_numeral(std::string_view luau_numeral) {
    std::string text;
    text.reserve(luau_numeral.size() + 2);
    for (char c : luau_numeral) {
        if (c != '_') text.push_back(c);
    }
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X' || text[1] == 'b' || text[1] == 'B')) {
        bool hex = text[1] == 'x' || text[1] == 'X';
        std::optional<double> value = read_integer(std::string_view(text).substr(2), hex ? 16 : 2);
        if (!value) return std::nullopt;
        char buffer[kNumberBufferSize];
        std::snprintf(buffer, sizeof buffer, "%.17g", *value);
        text = buffer;
    } else if (!is_decimal_numeral(text)) {
        return std::nullopt;
    }
    if (text.find_first_of(".eE") == std::string::npos) text += ".0";
    return text;
}

std::size_t format_number(double value, char* buffer) {
    char* out = buffer;
    if (std::isnan(value)) {
        std::memcpy(buffer, "nan", 4);
        return 3;
    }
    if (std::signbit(value)) *out++ = '-';
    if (std::isinf(value)) {
        std::memcpy(out, "inf", 4);
        return static_cast<std::size_t>(out - buffer) + 3;
    }
    if (value == 0) {
        *out++ = '0';
        *out = '\0';
        return static_cast<std::size_t>(out - buffer);
    }
    // The shortest digits that read back as `value`, as d.ddde±x.
    char scientific[kNumberBufferSize];
    auto [end, error] = std::to_chars(scientific, scientific + sizeof scientific - 1, std::fabs(value),
                                      std::chars_format::scientific);
    (void)error;  // the buffer is large enough for any double
    *end = '\0';
    char digits[24] = {};
    int count = 0;
    const char* p = scientific;
    for (; *p != 'e'; ++p) {
        if (*p != '.') digits[count++] = *p;
    }
    int exponent = std::atoi(p + 1);
    int dot = exponent + 1;  // digits before the decimal point
    if (dot >= -5 && dot <= 21) {
        if (dot <= 0) {
            *out++ = '0';
            *out++ = '.';
            for (int i = 0; i < -dot; ++i) *out++ = '0';
            for (int i = 0; i < count; ++i) *out++ = digits[i];
        } else if (dot >= count) {
            for (int i = 0; i < count; ++i) *out++ = digits[i];
            for (int i = count; i < dot; ++i) *out++ = '0';
        } else {
            for (int i = 0; i < count; ++i) {
                if (i == dot) *out++ = '.';
                *out++ = digits[i];
            }
        }
    } else {
        *out++ = digits[0];
        if (count > 1) {
            *out++ = '.';
            for (int i = 1; i < count; ++i) *out++ = digits[i];
        }
        out += std::snprintf(out, 8, "e%c%02d", exponent < 0 ? '-' : '+', exponent < 0 ? -exponent : exponent);
    }
    *out = '\0';
    return static_cast<std::size_t>(out - buffer);
}

}  // namespace luaos::luau
