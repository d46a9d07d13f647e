#include "dialect/luau_translator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <utility>
#include <sstream>
#include <string>

namespace luaos::luau {
namespace {

std::string translated(std::string_view source) {
    LuauTranslation result = translate_luau(source, "t.luau");
    EXPECT_TRUE(result.ok()) << result.error;
    return result.lua;
}

std::string error_of(std::string_view source) {
    LuauTranslation result = translate_luau(source, "t.luau");
    EXPECT_FALSE(result.ok()) << "translated to:\n" << result.lua;
    return result.error;
}

// The 1-based line of the output on which `marker` appears; 0 if absent.
int line_of(const std::string& text, const std::string& marker) {
    std::istringstream lines(text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        if (line.find(marker) != std::string::npos) return number;
    }
    return 0;
}

// Every construct the translator rewrites, spread over lines: each marker
// (m1, m2, ...) must stay on its own line.
TEST(LuauTranslator, EveryTokenKeepsItsLine) {
    const std::string source =
        "local m1: {number} = {\n"
        "  1, 2 } :: any\n"
        "m1[\n"
        "  m4()] += m5\n"
        "local m6 = if m7 then\n"
        "  m8 else m9\n"
        "local s = `a{m11}\\\n"
        "b{m13}`\n"
        "for m14, v in m15 do if v then continue end\n"
        "  m17(m14 .. \n"
        "   m18 .. [[\n"
        "long]] .. m20)\n"
        "end\n"
        "type T<U> = {\n"
        "  x: U }\n"
        "print(m16) return m16\n";
    std::string lua = translated(source);
    const std::pair<const char*, int> markers[] = {{"m1", 1},   {"m4", 4},   {"m5", 4},   {"m6", 5},  {"m7", 5},
                                                   {"m8", 6},   {"m9", 6},   {"m11", 7},  {"m13", 8}, {"m14", 9},
                                                   {"m15", 9},  {"m17", 10}, {"m18", 11}, {"m20", 12}, {"print", 16}};
    for (const auto& [marker, line] : markers) EXPECT_EQ(line_of(lua, marker), line) << marker << "\n" << lua;
    EXPECT_LE(std::count(lua.begin(), lua.end(), '\n'), std::count(source.begin(), source.end(), '\n')) << lua;
}

TEST(LuauTranslator, SyntaxErrorsNameTheLineAsLuaDoes) {
    EXPECT_EQ(error_of("local x = 1\nlocal y = = 2\n"), "t.luau:2: unexpected symbol near '='");
    EXPECT_EQ(error_of("local s = \"abc\n"), "t.luau:1: unfinished string");
    EXPECT_EQ(error_of("\n\nx = `a{{b}}`"), "t.luau:3: double braces are not permitted within interpolated strings; did you mean '\\{'?");
    EXPECT_EQ(error_of("local x = 0x\n"), "t.luau:1: malformed number near '0x'");
}

TEST(LuauTranslator, UnsupportedConstructsSayWhatAndWhere) {
    std::string error = error_of("local a = 1\ntype function f(t) return t end\n");
    EXPECT_EQ(error.rfind("t.luau:2: a type function ('type function') is not supported", 0), 0u) << error;
    error = error_of("local t = {}\n\nt:goto()\n");
    EXPECT_EQ(error.rfind("t.luau:3: a method named 'goto' is not supported", 0), 0u) << error;
}

// Luau's reference (luau.org, "Const bindings") has const locals; integer
// literals and classes are behind flags of Luau's own implementation, not in
// its reference: they fail with a message naming the construct.
TEST(LuauTranslator, ConstBecomesALua54ConstLocal) {
    EXPECT_EQ(translated("const x = 5"), "local x <const> = 5.0");
    EXPECT_EQ(translated("const a: number, b = 1, f()"), "local a <const> , b <const> = 1.0 , f ( )");
    std::string lua = translated("const\nfunction\nf(n)\nreturn n\nend\nf(1)");
    EXPECT_EQ(lua, "local\n\nf <const> = (function() local function f ( n )\ndo return n end\nend return f end)();\nf ( 1.0 )") << lua;
}

TEST(LuauTranslator, ConstIsAKeywordOnlyBeforeANameOrFunction) {
    EXPECT_EQ(translated("local const = 1 const = const + 1 const(const) const.x = 1"),
              "local const = 1.0 const = const + 1.0 const ( const ) const . x = 1.0");
}

TEST(LuauTranslator, ConstWithoutEnoughValuesIsAnError) {
    EXPECT_EQ(error_of("\nconst x"), "t.luau:2: missing initializer in const declaration");
    EXPECT_EQ(error_of("const a, b = 1"), "t.luau:1: missing initializer in const declaration");
    EXPECT_EQ(error_of("const a, b = (f())"), "t.luau:1: missing initializer in const declaration");
    EXPECT_EQ(error_of("const a, b = f() :: any"), "t.luau:1: missing initializer in const declaration");
    translated("const a, b = f()");
    translated("const a, b = 1, ...");
    translated("const a, b = t:m()");
}

TEST(LuauTranslator, IntegerLiteralsAndClassesAreNotSupported) {
    std::string error = error_of("local x = 1\nlocal y = 123i\n");
    EXPECT_EQ(error.rfind("t.luau:2: an integer literal ('123i') is not supported by luaos's Luau", 0), 0u) << error;
    error = error_of("local y = 0xFFi");
    EXPECT_EQ(error.rfind("t.luau:1: an integer literal ('0xFFi') is not supported", 0), 0u) << error;
    error = error_of("\nclass Point\n  public x\nend\n");
    EXPECT_EQ(error.rfind("t.luau:2: a class declaration ('class') is not supported", 0), 0u) << error;
    EXPECT_EQ(translated("local class = 1 class = class + 1"), "local class = 1.0 class = class + 1.0");
    EXPECT_EQ(error_of("local y = 12j"), "t.luau:1: malformed number near '12j'");
}

TEST(LuauTranslator, ContinueIsAKeywordOnlyAsAStatement) {
    EXPECT_EQ(error_of("continue\n"), "t.luau:1: 'continue' outside a loop near 'continue'");
    EXPECT_EQ(error_of("while true do local f = function() continue end end\n"),
              "t.luau:1: 'continue' outside a loop near 'continue'");
    std::string lua = translated("local continue = 1 continue = continue + 1 continue()\n");
    EXPECT_EQ(lua.find("goto"), std::string::npos) << lua;
}

TEST(LuauTranslator, CompoundAssignmentEvaluatesItsTargetOnce) {
    std::string lua = translated("t[f()] += 1");
    EXPECT_NE(lua.find("local __luau_o, __luau_k = t,  f ( );"), std::string::npos) << lua;
    EXPECT_EQ(lua.find("f ( )"), lua.rfind("f ( )")) << "f called twice:\n" << lua;
}

TEST(LuauTranslator, ScriptNamesCannotShadowTheHelpers) {
    std::string lua = translated("local __luau_cat = 1 print(__luau_cat .. goto)");
    EXPECT_NE(lua.find("local __luau_u_cat"), std::string::npos) << lua;
    EXPECT_NE(lua.find("__luau_kw_goto"), std::string::npos) << lua;
}

TEST(LuauTranslator, DeepNestingIsAnErrorNotACrash) {
    const std::pair<const char*, const char*> nestings[] = {
        {"local x = ", "("},    {"local x = ", "{"},         {"local x = ", "- "}, {"local x = ", "if x then "},
        {"", "do "},            {"type T = ", "{"},          {"", "f("},           {"local x = ", "`{"},
        {"local x: ", "{ "},    {"local function f(): ", "() -> "}};
    for (const auto& [prefix, open] : nestings) {
        std::string source = prefix;
        for (int i = 0; i < 100000; ++i) source += open;
        std::string error = error_of(source);
        EXPECT_NE(error.find("too many syntax levels"), std::string::npos) << open << ": " << error;
    }
}

TEST(LuauTranslator, ArbitraryBytesNeverCrashIt) {
    std::mt19937 random(12345);
    const std::string alphabet = "local function end if then else ( ) { } [ ] ` \" ' : :: < > = += .. ... -> | & ? , ; 1 0x 0b _ a\n\\";
    for (int round = 0; round < 2000; ++round) {
        std::string source;
        int length = static_cast<int>(random() % 200);
        for (int i = 0; i < length; ++i) {
            source += random() % 4 == 0 ? static_cast<char>(random() % 256) : alphabet[random() % alphabet.size()];
        }
        LuauTranslation result = translate_luau(source, "t.luau");
        EXPECT_TRUE(result.ok() || result.error.rfind("t.luau:", 0) == 0) << result.error;
    }
}

}  // namespace
}  // namespace luaos::luau
