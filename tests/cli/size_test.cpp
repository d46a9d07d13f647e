// The SIZE syntax of --memory-limit, parsed by src/cli/size.cpp.

#include "cli/size.hpp"

#include <gtest/gtest.h>

namespace luaos::cli {
namespace {

TEST(SizeParser, PlainNumberIsBytes) {
    EXPECT_EQ(parse_size("0"), 0u);
    EXPECT_EQ(parse_size("4096"), 4096u);
}

TEST(SizeParser, SuffixesArePowersOf1024InEitherCase) {
    EXPECT_EQ(parse_size("64K"), 64u * 1024);
    EXPECT_EQ(parse_size("64k"), 64u * 1024);
    EXPECT_EQ(parse_size("3M"), 3u * 1024 * 1024);
    EXPECT_EQ(parse_size("3m"), 3u * 1024 * 1024);
    EXPECT_EQ(parse_size("2G"), 2ull * 1024 * 1024 * 1024);
    EXPECT_EQ(parse_size("2g"), 2ull * 1024 * 1024 * 1024);
}

TEST(SizeParser, RejectsMalformedText) {
    for (const char* text : {"", "lots", "K", "-1", "+1", " 1", "1 ", "1.5M", "1KB", "1T", "0x10", "1MK"}) {
        EXPECT_FALSE(parse_size(text).has_value()) << "'" << text << "'";
    }
}

TEST(SizeParser, RejectsSizesBeyond64Bits) {
    EXPECT_EQ(parse_size("17179869183G"), 17179869183ull << 30);
    EXPECT_FALSE(parse_size("17179869184G").has_value());
    EXPECT_FALSE(parse_size("18446744073709551616").has_value());
}

}  // namespace
}  // namespace luaos::cli
