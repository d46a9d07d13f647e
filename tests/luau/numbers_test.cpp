#include "dialect/luau_numbers.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace luaos::luau {
namespace {

std::string formatted(double value) {
    char buffer[kNumberBufferSize];
    std::size_t length = format_number(value, buffer);
    EXPECT_EQ(std::string(buffer), std::string(buffer, length));
    return {buffer, length};
}

TEST(LuauNumbers, FormatsAsLuauTostringDoes) {
    EXPECT_EQ(formatted(5), "5");
    EXPECT_EQ(formatted(-12), "-12");
    EXPECT_EQ(formatted(0.5), "0.5");
    EXPECT_EQ(formatted(0.1), "0.1");
    EXPECT_EQ(formatted(1.0 / 3), "0.3333333333333333");
    EXPECT_EQ(formatted(100), "100");
    EXPECT_EQ(formatted(1e15), "1000000000000000");
    EXPECT_EQ(formatted(9007199254740992.0), "9007199254740992");
    EXPECT_EQ(formatted(1e20), "100000000000000000000");
    EXPECT_EQ(formatted(1e21), "1e+21");
    EXPECT_EQ(formatted(1.5e300), "1.5e+300");
    EXPECT_EQ(formatted(0.00001), "0.00001");
    EXPECT_EQ(formatted(0.000001), "0.000001");
    EXPECT_EQ(formatted(1e-7), "1e-07");
    EXPECT_EQ(formatted(1.25e-10), "1.25e-10");
    EXPECT_EQ(formatted(5e-324), "5e-324");
    EXPECT_EQ(formatted(123.456), "123.456");
    EXPECT_EQ(formatted(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(formatted(-std::numeric_limits<double>::infinity()), "-inf");
    EXPECT_EQ(formatted(std::nan("")), "nan");
    EXPECT_EQ(formatted(-std::nan("")), "nan");
    EXPECT_EQ(formatted(-0.0), "-0");
    EXPECT_EQ(formatted(0.0), "0");
    EXPECT_EQ(formatted(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
}

TEST(LuauNumbers, NumeralsBecomeLuaFloats) {
    EXPECT_EQ(lua_numeral("1"), "1.0");
    EXPECT_EQ(lua_numeral("1_000"), "1000.0");
    EXPECT_EQ(lua_numeral("1.5"), "1.5");
    EXPECT_EQ(lua_numeral(".5"), ".5");
    EXPECT_EQ(lua_numeral("1e10"), "1e10");
    EXPECT_EQ(lua_numeral("0b1010"), "10.0");
    EXPECT_EQ(lua_numeral("0B1_1"), "3.0");
    EXPECT_EQ(lua_numeral("0xff"), "255.0");
    EXPECT_EQ(lua_numeral("0xFFFFFFFFFFFFFFFF"), "1.8446744073709552e+19");
    EXPECT_EQ(lua_numeral("9007199254740993"), "9007199254740993.0");
    EXPECT_EQ(lua_numeral("0x1FFFFFFFFFFFFFFFF"), std::nullopt);  // more than 64 bits, as Luau refuses
    EXPECT_EQ(lua_numeral("0b102"), std::nullopt);
    EXPECT_EQ(lua_numeral("1e"), std::nullopt);
    EXPECT_EQ(lua_numeral("1.2.3"), std::nullopt);
    EXPECT_EQ(lua_numeral("3x"), std::nullopt);
}

}  // namespace
}  // namespace luaos::luau
