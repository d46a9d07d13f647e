// The charged pattern matcher (runtime/patterns.cpp): the same results and
// errors as stock Lua 5.4 on every input, compared case by case against the
// stock string library, and hostile patterns stopped by the CPU budget.

#include "runtime/patterns.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdio>
#include <lua.hpp>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

// Installs our matcher into the string library of L (the real table, which
// the scripts' read-only view and strings' __index both read through).
void install_patterns(lua_State* L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, LUA_STRLIBNAME);
    patterns_install(L, -1);
    lua_pop(L, 2);
}

// Defines run(chunk) in both states: it runs the chunk under pcall and
// serialises what it returned (or the error) to a string.
constexpr const char* kPrelude = R"lua(
local select, type, tostring, format, mtype, concat, pack, unpack =
  select, type, tostring, string.format, math.type, table.concat, table.pack, table.unpack
local function one(v)
  local t = type(v)
  if t == "string" then return format("%q", v) end
  if t == "number" then return mtype(v) .. ":" .. format("%q", v) end
  if t == "nil" or t == "boolean" then return tostring(v) end
  return t
end
function ser(...)
  local out = {}
  for i = 1, select("#", ...) do out[i] = one((select(i, ...))) end
  return "(" .. concat(out, ",") .. ")"
end
-- Every iteration of a gmatch iterator (at most 200).
function collect(iter)
  local out = {}
  for _ = 1, 200 do
    local r = pack(iter())
    if r[1] == nil then break end
    out[#out + 1] = ser(unpack(r, 1, r.n))
  end
  return concat(out, " ")
end
function run(chunk)
  local f, err = load(chunk, "=case", "t", _ENV)
  if not f then return "compile error: " .. err end
  local r = pack(pcall(f))
  if r[1] then return "ok " .. ser(unpack(r, 2, r.n)) end
  return "error: " .. (type(r[2]) == "string" and r[2] or type(r[2]))
end
)lua";

std::string call_run(lua_State* L, const std::string& chunk) {
    lua_getglobal(L, "run");
    lua_pushlstring(L, chunk.data(), chunk.size());
    lua_call(L, 1, 1);  // run() catches every error of the chunk
    std::size_t len = 0;
    const char* text = lua_tolstring(L, -1, &len);
    std::string result(text, len);
    lua_pop(L, 1);
    return result;
}

void load_prelude(lua_State* L) {
    luaL_openlibs(L);
    ASSERT_EQ(luaL_dostring(L, kPrelude), LUA_OK) << lua_tostring(L, -1);
}

// The stock library and ours side by side. Ours lives in a Runtime's state
// because cpu_budget_charge needs one to find (it charges nothing there:
// no process slice is running).
class PatternDifferential : public ::testing::Test {
protected:
    void SetUp() override {
        stock_ = luaL_newstate();
        ASSERT_NE(stock_, nullptr);
        load_prelude(stock_);
        ours_ = runtime_.lua();
        load_prelude(ours_);
        install_patterns(ours_);
    }
    void TearDown() override {
        if (stock_ != nullptr) lua_close(stock_);
    }

    struct Tally {
        int matched = 0;  // returned something other than a lone nil
        int failed = 0;   // returned nil
        int errors = 0;
    };

    // Runs every chunk in both states; reports the first mismatches.
    Tally compare(const std::vector<std::string>& chunks) {
        Tally tally;
        int mismatches = 0;
        for (const std::string& chunk : chunks) {
            const std::string expected = call_run(stock_, chunk);
            const std::string actual = call_run(ours_, chunk);
            if (expected != actual && ++mismatches <= 30) {
                ADD_FAILURE() << "chunk:  " << chunk << "\nstock:  " << expected << "\nours:   " << actual;
            }
            if (expected.starts_with("error")) {
                ++tally.errors;
            } else if (expected == "ok (nil)" || expected == "ok ()") {
                ++tally.failed;
            } else {
                ++tally.matched;
            }
        }
        EXPECT_EQ(mismatches, 0) << "of " << chunks.size() << " chunks";
        return tally;
    }

    std::string stock(const std::string& chunk) { return call_run(stock_, chunk); }
    std::string ours(const std::string& chunk) { return call_run(ours_, chunk); }

private:
    Runtime runtime_;
    lua_State* stock_ = nullptr;
    lua_State* ours_ = nullptr;
};

// A Lua string literal for any bytes.
std::string quote(std::string_view bytes) {
    std::string out = "\"";
    for (char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            out += ch;
        } else {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\%03u", static_cast<unsigned>(c));
            out += escape;
        }
    }
    out += '"';
    return out;
}

// ---------------------------------------------------------------------------
// Hand-written cases, one feature or error message at a time

const std::vector<std::string> kFindCases = {
    R"~(return ("hello world"):find("o w"))~",
    R"~(return string.find("hello", "l"))~",
    R"~(return string.find("hello", "xyz"))~",
    R"~(return string.find("", ""))~",
    R"~(return string.find("abc", ""))~",
    R"~(return string.find("abc", "", 3))~",
    R"~(return string.find("abc", "", 4))~",
    R"~(return string.find("abc", "", 5))~",
    R"~(return string.find("abc", "", 10))~",
    R"~(return string.find("abc", "", -1))~",
    R"~(return string.find("abc", "", -3))~",
    R"~(return string.find("abc", "", -4))~",
    R"~(return string.find("abc", "", -10))~",
    R"~(return string.find("abc", "b", -1))~",
    R"~(return string.find("abc", "b", -2))~",
    R"~(return string.find("abc", "b", 0))~",
    R"~(return string.find("abc", "b", math.mininteger))~",
    R"~(return string.find("abc", "b", math.maxinteger))~",
    R"~(return string.find("abc", "b", 2.0))~",
    R"~(return string.find("abc", "b", "2"))~",
    R"~(return string.find("abc", "b", 1.5))~",
    R"~(return string.find("abc", "b", "x"))~",
    R"~(return string.find("abc", "b", {}))~",
    R"~(return string.find("a.b", ".", 1, true))~",
    R"~(return string.find("a.b", "%."))~",
    R"~(return string.find("a+b", "+", 1, true))~",
    R"~(return string.find("a+b", "a+", 1, true))~",
    R"~(return string.find("a+b", "a+"))~",
    R"~(return string.find("a[b", "[", 1, true))~",
    R"~(return string.find("a[b", "[", 1, false))~",
    R"~(return string.find("a[b", "[", 1, nil))~",
    R"~(return string.find("abc", "[b]", 1, 0))~",
    R"~(return string.find("abc", "[b]", 1, {}))~",
    R"~(return string.find("abc", "[b]", 1, true))~",
    R"~(return string.find("a%b", "%", 1, true))~",
    R"~(return string.find("abcabc", "abc", 2, true))~",
    R"~(return string.find("abcabc", "abc", 5, true))~",
    R"~(return string.find("abcabc", "cab", -4, true))~",
    R"~(return string.find("aaab", "aab", 1, true))~",
    R"~(return string.find("ab", "abc", 1, true))~",
    R"~(return string.find("abc", "", 2, true))~",
    R"~(return string.find("abc", "", 4, true))~",
    R"~(return string.find("abc", "", 5, true))~",
    R"~(return string.find("a)", "a)"))~",
    R"~(return string.find("a]", "]"))~",
    R"~(return string.find("a}", "}"))~",
    R"~(return string.find(string.rep("ab", 300) .. "abc", string.rep("ab", 200) .. "c"))~",
    R"~(return string.find(string.rep("x", 1000) .. "y", string.rep("x", 600) .. "y", 1, true))~",
    R"~(return string.find("hello", "(l)(l)"))~",
    R"~(return string.find("hello", "()ll()"))~",
    R"~(return string.find("key=val", "(%w+)=(%w+)"))~",
    R"~(return string.find("hello", "(h)(e)(l)(l)(o)"))~",
    R"~(return string.find(12345, 34))~",
    R"~(return string.find("a1", 1))~",
    R"~(return string.find(1.5, "%."))~",
    R"~(return string.find("a1x5 1.5", 1.5))~",
    R"~(return string.find("a1x5 1.5", 1.5, 1, true))~",
    R"~(return string.find(2^63, "e"))~",
    R"~(return string.find())~",
    R"~(return string.find(nil, "x"))~",
    R"~(return string.find("x"))~",
    R"~(return string.find("x", {}))~",
    R"~(return string.find({}, "x"))~",
    R"~(return ("x"):find())~",
    R"~(local s = "abc" return s:find("b", 1, true, "extra"))~",
    // embedded zeros, in subjects and in patterns
    R"~(return string.find("a\0b", "\0"))~",
    R"~(return string.find("a\0b", "%z"))~",
    R"~(return string.find("a\0b", "%Z+"))~",
    R"~(return string.find("a\0b", "[\0]"))~",
    R"~(return string.find("a\0b", "[%z]"))~",
    R"~(return string.find("a\0b\0", "b\0"))~",
    R"~(return string.find("a\0b\0", "b\0$"))~",
    R"~(return string.find("x\0y", "\0y", 1, true))~",
    R"~(return string.find("x\0y", "[^\0]+"))~",
    R"~(return string.find("x\0\0y", "\0*y"))~",
    R"~(return string.find("x\0\0y", "%\0"))~",
    R"~(return string.find("a\0", "a%f[\0]"))~",
    R"~(return string.match("a\0b", ".%z."))~",
    R"~(return string.match("\0\0", "\0*"))~",
    R"~(return string.match("(\0)", "%b\0\0"))~",
    R"~(return string.match("\0a\0", "%b\0\0"))~",
    R"~(return string.match("", "%b\0\0"))~",
    R"~(return string.match("a", "a%b\0\0"))~",
    R"~(return string.match("a", "[\0-a]"))~",
};

const std::vector<std::string> kAnchorCases = {
    R"~(return string.find("aaa", "^a"))~",
    R"~(return string.find("baa", "^a"))~",
    R"~(return string.find("aaa", "^a", 2))~",
    R"~(return string.find("baa", "^a", 2))~",
    R"~(return string.find("a^", "a^"))~",
    R"~(return string.find("^a", "^^a"))~",
    R"~(return string.find("abc", "^"))~",
    R"~(return string.find("abc", "$"))~",
    R"~(return string.find("abc", "^$"))~",
    R"~(return string.find("", "^$"))~",
    R"~(return string.find("abc", "^", 10))~",
    R"~(return string.find("abc", "$", 4))~",
    R"~(return string.match("abc", "c$"))~",
    R"~(return string.match("abc", "b$"))~",
    R"~(return string.match("a$b", "a$b"))~",
    R"~(return string.match("a$b", "$b"))~",
    R"~(return string.match("ab$", "b$$"))~",
    R"~(return string.match("abc", "^abc$"))~",
    R"~(return string.match("abc", "^(abc)$"))~",
    R"~(return string.match("abc", "^(abc$)"))~",
    R"~(return string.match("abc", "(c)$"))~",
    R"~(return string.match("abc", "c()$"))~",
    R"~(return string.match("abc$", "c%$"))~",
    R"~(return string.match("abc", ".-$"))~",
    R"~(return string.match("abc", "^.-$"))~",
    R"~(return string.match("a", "$a"))~",
    R"~(return string.match("", "$"))~",
    R"~(return string.match("", "^"))~",
    R"~(return string.match("abc", "^(.?)(.?)"))~",
};

const std::vector<std::string> kClassCases = {
    // Every byte against every class, its complement and the same class in a set.
    R"~(local out = {}
       for _, cl in ipairs({"a","c","d","g","l","p","s","u","w","x","z","A","C","D","G","L","P","S","U","W","X","Z"}) do
         local single, set, negated = {}, {}, {}
         for c = 0, 255 do
           local ch = string.char(c)
           if string.find(ch, "^%" .. cl .. "$") then single[#single + 1] = c end
           if string.find(ch, "^[%" .. cl .. "]$") then set[#set + 1] = c end
           if string.find(ch, "^[^%" .. cl .. "]$") then negated[#negated + 1] = c end
         end
         out[#out + 1] = cl .. ":" .. table.concat(single, ",") .. "/" .. table.concat(set, ",") .. "/" .. #negated
       end
       return table.concat(out, "\n"))~",
    // Escaped non-letters are the characters themselves.
    R"~(local out = {}
       for c = 0, 255 do
         local ch = string.char(c)
         if not ch:find("%a") then
           local ok, r = pcall(string.find, ch, "%" .. ch)
           out[#out + 1] = tostring(ok) .. tostring(r)
           local ok2, r2 = pcall(string.find, "x" .. ch, "[%" .. ch .. "]")
           out[#out + 1] = tostring(ok2) .. tostring(r2)
         end
       end
       return table.concat(out, ","))~",
    R"~(return string.match("  \t\n x", "%s+"))~",
    R"~(return string.match("abc123def", "%d+"))~",
    R"~(return string.match("abc123def", "%D+"))~",
    R"~(return string.match("Hello World", "%u%l+"))~",
    R"~(return string.match("a.b,c!", "%p"))~",
    R"~(return string.match("0xFFg", "%x+", 3))~",
    R"~(return string.match("snake_case1 x", "[%w_]+"))~",
    R"~(return string.match("abc", "%g+"))~",
    R"~(return string.match("\1\2x", "%c+"))~",
    R"~(return string.match("%a", "%%a"))~",
    R"~(return string.match("a.b", "%.b"))~",
    R"~(return string.match("x", "%y"))~",
    R"~(return string.match("y", "%y"))~",
    R"~(return string.match("\200\201", "[\200-\255]+"))~",
    R"~(return string.match("\200\201", "[^\1-\127]+"))~",
};

const std::vector<std::string> kSetCases = {
    R"~(return string.match("cab", "[abc]+"))~",
    R"~(return string.match("cabd", "[^abc]"))~",
    R"~(return string.match("xbca", "[a-c]+"))~",
    R"~(return string.match("a]b", "[]]"))~",
    R"~(return string.match("]]a", "[^]]"))~",
    R"~(return string.match("a]b-", "[]-a]+"))~",
    R"~(return string.match("^a", "[^^]"))~",
    R"~(return string.match("^a", "[a^]+"))~",
    R"~(return string.match("a-b", "[a-]+"))~",
    R"~(return string.match("-a-b", "[-a]+"))~",
    R"~(return string.match("b-a", "[^-a]"))~",
    R"~(return string.match("]x", "[%]]"))~",
    R"~(return string.match("a-z", "[a%-z]+"))~",
    R"~(return string.match("q-", "[%-]"))~",
    R"~(return string.match("a1 ", "[%a%d]+"))~",
    R"~(return string.match("ab c", "[^%s]+"))~",
    R"~(return string.match("]", "[a-%%]"))~",
    R"~(return string.match("%", "[a-%%]"))~",
    R"~(return string.match("b", "[a-%%]"))~",
    R"~(return string.match("d", "[a-%d]"))~",
    R"~(return string.match("#", "[a-%d]"))~",
    R"~(return string.match("5", "[a-%d]"))~",
    R"~(return string.match("]", "[a-%]]"))~",
    R"~(return string.match("b", "[c-a]"))~",
    R"~(return string.match("-", "[a-c-e]"))~",
    R"~(return string.match("d", "[a-c-e]"))~",
    R"~(return string.match("a", "[]"))~",
    R"~(return string.match("a", "[^]"))~",
    R"~(return string.match("a", "["))~",
    R"~(return string.match("a", "[^"))~",
    R"~(return string.match("a", "[a"))~",
    R"~(return string.match("a", "[%"))~",
    R"~(return string.match("a", "[%]"))~",
    R"~(return string.match("a", "[a-z"))~",
    R"~(return string.match("a", "[]a"))~",
    R"~(return string.match("y", "x["))~",
    R"~(return string.match("x", "x["))~",
    R"~(return string.match("yy", "x*["))~",
    R"~(return string.match("", "[a]?"))~",
    R"~(return string.match("abc", "[%a]-c"))~",
    R"~(return string.match("a", "[" .. string.rep("b", 5000) .. "a]"))~",
};

const std::vector<std::string> kQuantifierCases = {
    R"~(return string.match("aaab", "a*"))~",
    R"~(return string.match("aaab", "a+"))~",
    R"~(return string.match("aaab", "a-"))~",
    R"~(return string.match("aaab", "a-b"))~",
    R"~(return string.match("aaab", "a?"))~",
    R"~(return string.match("b", "a+"))~",
    R"~(return string.match("xaaab", ".-b"))~",
    R"~(return string.match("xaaab", "(.-)a"))~",
    R"~(return string.match("xaaab", "(.*)a"))~",
    R"~(return string.match("aaab", "a*b"))~",
    R"~(return string.match("aaa", "a*a"))~",
    R"~(return string.match("aaa", "a+a+a+a"))~",
    R"~(return string.match("abcabc", "[ab]*c"))~",
    R"~(return string.match("aaa", "a?a?a?aaa"))~",
    R"~(return string.match("aaa", "^(a-)(a*)$"))~",
    R"~(return string.match("*a", "*a"))~",
    R"~(return string.match("a*", "a**"))~",
    R"~(return string.match("aa*", "a**"))~",
    R"~(return string.match("+", "+"))~",
    R"~(return string.match("a", "a-?"))~",
    R"~(return string.match("a-", "a-?"))~",
    R"~(return string.match("?", "??"))~",
    R"~(return string.match("-", "-"))~",
    R"~(return string.match("--", "--"))~",
    R"~(return string.match("ab", "%a-b"))~",
    R"~(return string.match("x = 10", "(%w+)%s*=%s*(%d+)"))~",
    R"~(return string.match("  trim me  ", "^%s*(.-)%s*$"))~",
    R"~(return string.match("2024-01-15", "(%d+)-(%d+)-(%d+)"))~",
    R"~(return string.match("abc", ".-"))~",
    R"~(return string.match("abc", "x*"))~",
    R"~(return string.match("abc", "b", -1))~",
    R"~(return string.match("abc", "b", 10))~",
    R"~(return string.match("abc", "", 4))~",
    R"~(return string.match("abc", "", 5))~",
    R"~(return string.match("abc", "()", 4))~",
    R"~(return string.match(string.rep("a", 2000), "a*b"))~",
    R"~(return string.match(string.rep("a", 5000) .. "b", "a-b"))~",
    R"~(return string.match(string.rep("ab", 2000), "(ab)*"))~",
};

const std::vector<std::string> kCaptureCases = {
    R"~(return string.match("ab", "(a)"))~",
    R"~(return string.match("ab", "(a)(b)"))~",
    R"~(return string.match("ab", "((a)(b))"))~",
    R"~(return string.match("ab", "()"))~",
    R"~(return string.match("ab", "()()"))~",
    R"~(return string.match("ab", "a()b()"))~",
    R"~(return string.match("ab  x", "(a*(.)%w(%s*))"))~",
    R"~(return string.match("ab", "(()a())"))~",
    R"~(return string.match("ab", "(a"))~",
    R"~(return string.match("ab", "(()"))~",
    R"~(return string.match("ab", "a(b"))~",
    R"~(return string.match("xb", "a(b"))~",
    R"~(return string.match("ab", ")"))~",
    R"~(return string.match("ab", "a)"))~",
    R"~(return string.match("ab", "()a)"))~",
    R"~(return string.match("ab", "(a))"))~",
    R"~(return string.match("ab", "x)"))~",
    R"~(return string.find("ab", "(a"))~",
    R"~(return string.find("ab", "()"))~",
    R"~(return string.find("abc", string.rep("()", 32)))~",
    R"~(return string.find("abc", string.rep("()", 33)))~",
    R"~(return string.find("abc", string.rep("(", 33) .. "a"))~",
    R"~(return string.find("abc", string.rep("(", 32) .. "x"))~",
    R"~(return string.find("abc", string.rep("(", 32) .. "a" .. string.rep(")", 32)))~",
    R"~(return string.match("abc", string.rep("(.)", 3) .. string.rep("()", 29)))~",
    R"~(return string.match("abc", string.rep("(.)", 3) .. string.rep("()", 30)))~",
};

const std::vector<std::string> kBackReferenceCases = {
    R"~(return string.match("aa", "(a)%1"))~",
    R"~(return string.match("ab", "(a)%1"))~",
    R"~(return string.match("hello hello", "(%w+) %1"))~",
    R"~(return string.match("xyxy", "(x)(y)%1%2"))~",
    R"~(return string.match("aab", "(a*)b%1"))~",
    R"~(return string.match("baab", "(a*)b%1"))~",
    R"~(return string.match("aa", "()a%1"))~",
    R"~(return string.find("aa", "()%1"))~",
    R"~(return string.match("aa", "%1"))~",
    R"~(return string.match("aa", "(a%1)"))~",
    R"~(return string.match("aa", "(a)%0"))~",
    R"~(return string.match("aa", "(a)%2"))~",
    R"~(return string.match("aa", "(a)%9"))~",
    R"~(return string.match("b", "a%1"))~",
    R"~(return string.match("", "(a*)%1$"))~",
    R"~(return string.match("abab", "((a)b)%1"))~",
    R"~(return string.match("abab", "((a)b)%2"))~",
    R"~(return string.match("'x' \"y\"", "([\"'])(.-)%1"))~",
};

const std::vector<std::string> kBalanceFrontierCases = {
    R"~(return string.match("f(a(b)c)d", "%b()"))~",
    R"~(return string.match("[x[y]]", "%b[]"))~",
    R"~(return string.match("xaby", "%bxy"))~",
    R"~(return string.match("((a)", "%b()"))~",
    R"~(return string.match("(((", "%b()"))~",
    R"~(return string.match(")(", "%b)("))~",
    R"~(return string.match("aaa", "%baa"))~",
    R"~(return string.match("abba", "%bab"))~",
    R"~(return string.match("((a)(b))c", "%b()c"))~",
    R"~(return string.match("x", "%b"))~",
    R"~(return string.match("x", "%b("))~",
    R"~(return string.match("x", "%b()"))~",
    R"~(return string.match("", "%b()"))~",
    R"~(return string.match("y", "x%b"))~",
    R"~(return string.match("(a)", "%b()*"))~",
    R"~(return string.match("THE (quick) fox", "%f[%a]%a+"))~",
    R"~(return string.gsub("THE (quick) fox", "%f[%a]%a+", "X"))~",
    R"~(return string.gsub("hello world", "%f[%w]%w+", "<%0>"))~",
    R"~(return string.gsub("hello world", "%f[%W]", "|"))~",
    R"~(return string.find("abc", "%f[%z]"))~",
    R"~(return string.find("abc", "%f[%Z]"))~",
    R"~(return string.find("abc", "%f[a]"))~",
    R"~(return string.find("abc", "%f[^a]"))~",
    R"~(return string.find("", "%f[%z]"))~",
    R"~(return string.find("", "%f[%Z]"))~",
    R"~(return string.find("aXb", "%f[%u]."))~",
    R"~(return string.match("x", "%f"))~",
    R"~(return string.match("x", "%fa"))~",
    R"~(return string.match("x", "%f[a"))~",
    R"~(return string.match("x", "%f[]"))~",
    R"~(return string.match("y", "x%f"))~",
};

const std::vector<std::string> kErrorCases = {
    R"~(return string.match("a", "%"))~",
    R"~(return string.match("a", "a%"))~",
    R"~(return string.match("b", "a%"))~",
    R"~(return string.match("a", "a*%"))~",
    R"~(return string.find("a", "%"))~",
    R"~(return string.find("a%", "%", 1, true))~",
    R"~(return string.match("ab", "((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))"))~",
    R"~(return pcall(string.rep, "x", -1))~",
    // Lua's 200 nested calls: '?' and '-' nest one level per item.
    R"~(return string.find(string.rep("a", 199), string.rep("a?", 199)))~",
    R"~(return string.find(string.rep("a", 200), string.rep("a?", 200)))~",
    R"~(return string.find(string.rep("a", 200), string.rep("a?", 199)))~",
    R"~(return string.find("", string.rep("a?", 500)))~",
    R"~(return string.find("aaa", string.rep("a-", 199)))~",
    R"~(return string.find("aaa", string.rep("a-", 200)))~",
    R"~(return string.find("aaa", string.rep("a*", 300)))~",
    R"~(return string.find("aaa", string.rep("(a?)", 32)))~",
    // Mixed frames, on paths that succeed at once (a failing one would
    // backtrack through 2^100 alternatives in stock Lua). An item that does
    // not match where it stands saves no alternative, even with a quantifier.
    R"~(return string.find(string.rep("a", 100) .. "x", string.rep("a?", 100) .. string.rep("b-", 150) .. "x"))~",
    R"~(return string.find(string.rep("a", 100) .. "x", string.rep("a?", 100) .. string.rep("x-", 99) .. "x"))~",
    R"~(return string.find(string.rep("a", 100) .. "x", string.rep("a?", 100) .. string.rep("x-", 100) .. "x"))~",
    R"~(return string.find(string.rep("a", 97) .. "x", string.rep("a?", 97) .. "(" .. string.rep("x-", 99) .. "x)"))~",
    R"~(return string.find(string.rep("a", 98) .. "x", string.rep("a?", 98) .. "(" .. string.rep("x-", 99) .. "x)"))~",
    R"~(return string.find(string.rep("a", 99) .. "x", string.rep("a?", 99) .. "(" .. string.rep("x-", 99) .. "x)"))~",
    R"~(return string.find(string.rep("a", 99) .. "x", string.rep("a?", 99) .. "()" .. string.rep("x-", 99) .. "x"))~",
    R"~(return string.find(string.rep("a", 100) .. "x",
                           string.rep("a?", 100) .. "()" .. string.rep("x-", 99) .. "x"))~",
    R"~(return string.find(string.rep("a", 198) .. "x", string.rep("a?", 198) .. "(x)"))~",
    R"~(return string.find(string.rep("a", 197) .. "x", string.rep("a?", 197) .. "(x)"))~",
    R"~(return string.find(string.rep("a", 10) .. "x", string.rep("a*", 190) .. string.rep("(a*)", 10) .. "x"))~",
    R"~(return string.find(string.rep("ab", 10) .. "x", string.rep("(a)b", 10) .. string.rep("b?", 178) .. "x"))~",
    R"~(return string.find(string.rep("ab", 10) .. "x", string.rep("(a)b", 10) .. string.rep("b?", 179) .. "x"))~",
    R"~(return string.find(string.rep("ab", 10) .. "x", string.rep("(a)b", 10) .. string.rep("b?", 180) .. "x"))~",
    R"~(return string.find(string.rep("a", 300), string.rep("a?a", 150)))~",
};

const std::vector<std::string> kGmatchCases = {
    R"~(return collect(("hello world from lua"):gmatch("%a+")))~",
    R"~(return collect(("k=v, a=b"):gmatch("(%w+)=(%w+)")))~",
    R"~(return collect(("abc"):gmatch("")))~",
    R"~(return collect((""):gmatch("")))~",
    R"~(return collect(("abc"):gmatch("%w*")))~",
    R"~(return collect(("abc"):gmatch("b*")))~",
    R"~(return collect(("a,b,,c"):gmatch(",*")))~",
    R"~(return collect(("a,b,,c"):gmatch("([^,]*)")))~",
    R"~(return collect(("^a^a"):gmatch("^a")))~",
    R"~(return collect(("aaa"):gmatch("^a")))~",
    R"~(return collect(("a^b^"):gmatch("^")))~",
    R"~(return collect(("a^b^"):gmatch("^$")))~",
    R"~(return collect(("abc"):gmatch("()")))~",
    R"~(return collect(("abc"):gmatch(".", 2)))~",
    R"~(return collect(("abc"):gmatch(".", -1)))~",
    R"~(return collect(("abc"):gmatch(".", -10)))~",
    R"~(return collect(("abc"):gmatch(".", 0)))~",
    R"~(return collect(("abc"):gmatch(".", 3)))~",
    R"~(return collect(("abc"):gmatch(".", 4)))~",
    R"~(return collect(("abc"):gmatch("", 4)))~",
    R"~(return collect(("abc"):gmatch("", 5)))~",
    R"~(return collect(("abc"):gmatch("", 10)))~",
    R"~(return collect(("abc"):gmatch("", math.maxinteger)))~",
    R"~(return collect(("abc"):gmatch("%w", "2")))~",
    R"~(return collect(("abc"):gmatch("%w", 1.5)))~",
    R"~(return collect(("abc"):gmatch("(")))~",
    R"~(return collect(("abc"):gmatch("%")))~",
    R"~(return collect(("abc"):gmatch("x%")))~",
    R"~(return collect(("abc"):gmatch("c%")))~",
    R"~(return collect(("abc"):gmatch(")")))~",
    R"~(return collect(("a1b2"):gmatch("%a(%d)")))~",
    R"~(return collect(("a1b2"):gmatch("()%a()")))~",
    R"~(return collect(("the (quick) [brown] fox"):gmatch("%b()")))~",
    R"~(return collect(("THE (quick) fox"):gmatch("%f[%a]%a+")))~",
    R"~(return collect(string.gmatch(123, "%d")))~",
    R"~(return string.gmatch(nil, "x"))~",
    R"~(return string.gmatch("x"))~",
    R"~(return string.gmatch("x", "y", "z"))~",
    R"~(return type(string.gmatch("x", "y")))~",
    R"~(return select("#", string.gmatch("x", "y")))~",
    R"~(local it = ("ab"):gmatch(".") return it(), it(), it(), it())~",
    R"~(local it = ("ab"):gmatch("()") return it(), it(), it(), it())~",
    R"~(local out = {} for k, v in string.gmatch("a=1, b=2", "(%w+)=(%w+)") do out[#out + 1] = k .. v end
       return table.concat(out, ";"))~",
};

const std::vector<std::string> kGsubCases = {
    R"~(return string.gsub("hello world", "o", "0"))~",
    R"~(return string.gsub("hello", "", "-"))~",
    R"~(return string.gsub("abc", "%w", "%0%0"))~",
    R"~(return string.gsub("abc", "%w", "%%"))~",
    R"~(return string.gsub("abc", "(%w)", "%1-"))~",
    R"~(return string.gsub("hello world", "(%w+) (%w+)", "%2 %1"))~",
    R"~(return string.gsub("abc", "b", "%"))~",
    R"~(return string.gsub("abc", "b", "x%"))~",
    R"~(return string.gsub("abc", "x", "%"))~",
    R"~(return string.gsub("abc", "b", "%x"))~",
    R"~(return string.gsub("abc", "b", "%\0"))~",
    R"~(return string.gsub("abc", "b", "%2"))~",
    R"~(return string.gsub("abc", "b", "%1"))~",
    R"~(return string.gsub("abc", "(b)", "%2"))~",
    R"~(return string.gsub("abc", "(b)", "%9"))~",
    R"~(return string.gsub("abc", "()b", "%1"))~",
    R"~(return string.gsub("abc", "()b()", "%2%1"))~",
    R"~(return string.gsub("abc", "b", "[%0]"))~",
    R"~(return string.gsub("abc", "b", "a\0b"))~",
    R"~(return string.gsub("abc", "(a", "x"))~",
    R"~(return string.gsub("abc", "(a", "%0"))~",
    R"~(return string.gsub("abc", "(a", "%1"))~",
    R"~(return string.gsub("abc", "(a", function() return "y" end))~",
    R"~(return string.gsub("abc", "(a", {}))~",
    R"~(return string.gsub("abc", "%w", "x", 2))~",
    R"~(return string.gsub("abc", "%w", "x", 0))~",
    R"~(return string.gsub("abc", "%w", "x", -1))~",
    R"~(return string.gsub("abc", "%w", "x", 1.0))~",
    R"~(return string.gsub("abc", "%w", "x", 1.5))~",
    R"~(return string.gsub("abc", "%w", "x", "2"))~",
    R"~(return string.gsub("abc", "%w", "x", "x"))~",
    R"~(return string.gsub("abc", "%w", "x", math.mininteger))~",
    R"~(return string.gsub("abc", "%w", "x", math.maxinteger))~",
    R"~(return string.gsub("abc", "%w*", "x"))~",
    R"~(return string.gsub("abc", "b*", "-"))~",
    R"~(return string.gsub("", "", "x"))~",
    R"~(return string.gsub("", "^", "x"))~",
    R"~(return string.gsub("abc", ".-", "x"))~",
    R"~(return string.gsub("a,b,,c", ",*", "|"))~",
    R"~(return string.gsub("hello world", "%s*", "_"))~",
    R"~(return string.gsub("abc", "()", "%1"))~",
    R"~(return string.gsub("abc", "^a", "x"))~",
    R"~(return string.gsub("abc", "^b", "x"))~",
    R"~(return string.gsub("aaa", "^a", "x"))~",
    R"~(return string.gsub("abc", "^", "x"))~",
    R"~(return string.gsub("abc", "$", "x"))~",
    R"~(return string.gsub("abc", "^$", "x"))~",
    R"~(return string.gsub("abc", "^.*$", "x"))~",
    R"~(return string.gsub("abc", "^(", "x"))~",
    R"~(return string.gsub("abc", "^%", "x"))~",
    R"~(return string.gsub("abc", "%w", {a = 1, b = "B"}))~",
    R"~(return string.gsub("abc", "%w", {a = true}))~",
    R"~(return string.gsub("abc", "%w", {a = false, b = "x"}))~",
    R"~(return string.gsub("abc", "%w", {a = {}}))~",
    R"~(return string.gsub("abc", "()%w", {"one", "two"}))~",
    R"~(return string.gsub("abc", "(%w)(%w)", {a = "A"}))~",
    R"~(return string.gsub("abc", "%w", setmetatable({}, {__index = function(_, k) return k:upper() end})))~",
    R"~(return string.gsub("abc", "%w", string.upper))~",
    R"~(return string.gsub("abc", "%w", function(c) return c .. c end))~",
    R"~(return string.gsub("abc", "%w", function() end))~",
    R"~(return string.gsub("abc", "%w", function() return false end))~",
    R"~(return string.gsub("abc", "%w", function() return 42 end))~",
    R"~(return string.gsub("abc", "%w", function() return 0.5 end))~",
    R"~(return string.gsub("abc", "%w", function() return {} end))~",
    R"~(return string.gsub("abc", "%w", function() return true end))~",
    R"~(return string.gsub("abc", "%w", function() return print end))~",
    R"~(return string.gsub("abc", "%w", function() error("boom") end))~",
    R"~(return string.gsub("abc", "%w", function() error({}) end))~",
    R"~(return string.gsub("abc", "()(%w)()", function(a, b, c) return a .. b .. c end))~",
    R"~(return string.gsub("abc", "", function(...) return select("#", ...) .. (...) end))~",
    R"~(return string.gsub("abc", "b", 5))~",
    R"~(return string.gsub("abc", "b", 1.5))~",
    R"~(return string.gsub("abc", "b", 2^63))~",
    R"~(return string.gsub("abc", "b", -0.0))~",
    R"~(return string.gsub(123, 2, 9))~",
    R"~(return string.gsub("abc", "b"))~",
    R"~(return string.gsub("abc", "b", true))~",
    R"~(return string.gsub("abc", "b", nil))~",
    R"~(return string.gsub("abc", "b", nil, "x"))~",
    R"~(return string.gsub("abc", "b", {}, "x"))~",
    R"~(return string.gsub("abc", nil, "x"))~",
    R"~(return string.gsub(nil, "b", "x"))~",
    R"~(return ("x"):gsub("x", "%%%0%%"))~",
    R"~(return string.gsub("abc", "%w", "%0", 2))~",
    R"~(return string.gsub("hello world", "(o)", "[%1]", 1))~",
    R"~(return string.gsub("abc", "", "-", 2))~",
    R"~(return string.gsub(string.rep("ab", 3000), "b", "%0%0"))~",
    R"~(return string.gsub("one two  three", "(%w+)%s*", "<%1>"))~",
    R"~(local n = 0 local r = string.gsub("aaa", "a", function() n = n + 1 return n end) return r, n)~",
    R"~(return string.gsub("a b", "%w", function(c) return string.gsub(c, ".", "%0%0") end))~",
};

TEST_F(PatternDifferential, Find) { compare(kFindCases); }
TEST_F(PatternDifferential, Anchors) { compare(kAnchorCases); }
TEST_F(PatternDifferential, Classes) { compare(kClassCases); }
TEST_F(PatternDifferential, Sets) { compare(kSetCases); }
TEST_F(PatternDifferential, Quantifiers) { compare(kQuantifierCases); }
TEST_F(PatternDifferential, Captures) { compare(kCaptureCases); }
TEST_F(PatternDifferential, BackReferences) { compare(kBackReferenceCases); }
TEST_F(PatternDifferential, BalanceAndFrontier) { compare(kBalanceFrontierCases); }
TEST_F(PatternDifferential, Errors) { compare(kErrorCases); }
TEST_F(PatternDifferential, Gmatch) { compare(kGmatchCases); }
TEST_F(PatternDifferential, Gsub) { compare(kGsubCases); }

// The error messages spelled out, as Lua 5.4.4 words them. The position is
// the caller's line: these C functions are called in a tail call.
TEST_F(PatternDifferential, ErrorMessagesAreLuas) {
    const std::pair<const char*, const char*> cases[] = {
        {R"~(return string.find("a", "%"))~", "error: case:1: malformed pattern (ends with '%')"},
        {R"~(return string.find("a", "[a"))~", "error: case:1: malformed pattern (missing ']')"},
        {R"~(return string.find("a", "%b"))~", "error: case:1: malformed pattern (missing arguments to '%b')"},
        {R"~(return string.find("a", "%f"))~", "error: case:1: missing '[' after '%f' in pattern"},
        {R"~(return string.find("aa", "(a)%2"))~", "error: case:1: invalid capture index %2"},
        {R"~(return string.find("a)", "a)"))~", "ok (integer:1,integer:2)"},
        {R"~(return string.match("aa", "a)"))~", "error: case:1: invalid pattern capture"},
        {R"~(return string.match("aa", "(a"))~", "error: case:1: unfinished capture"},
        {R"~(return string.find("a", string.rep("()", 33)))~", "error: case:1: too many captures"},
        {R"~(return string.find(string.rep("a", 200), string.rep("a?", 200)))~", "error: case:1: pattern too complex"},
        {R"~(return string.gsub("a", "a", "%2"))~", "error: case:1: invalid capture index %2"},
        {R"~(return string.gsub("a", "a", "%x"))~", "error: case:1: invalid use of '%' in replacement string"},
        {R"~(return string.gsub("a", "a", {a = {}}))~", "error: case:1: invalid replacement value (a table)"},
        {R"~(return string.find(nil))~", "error: case:1: bad argument #1 to 'find' (string expected, got nil)"},
        {R"~(return ("x"):gsub("x"))~",
         "error: case:1: bad argument #2 to 'gsub' (string/function/table expected, got no value)"},
        {R"~(return ("abc"):gsub("%w*", "x"))~", "ok (\"x\",integer:1)"},
    };
    for (const auto& [chunk, expected] : cases) {
        EXPECT_EQ(ours(chunk), expected) << chunk;
        EXPECT_EQ(stock(chunk), expected) << chunk;
    }
}

// ---------------------------------------------------------------------------
// Random cases: small subjects, random pattern syntax (valid or not)

class CaseGenerator {
public:
    explicit CaseGenerator(unsigned seed) : rng_(seed) {}

    std::string next() {
        const std::string subject = random_subject();
        const std::string pattern = random_pattern();
        switch (pick(8)) {
            case 0:
            case 1: {
                // plain finds always pass an init, as the flag is the fourth argument
                const std::string rest = pick(4) == 0 ? ", " + std::to_string(static_cast<int>(pick(9)) - 4) + ", true"
                                                      : init_argument();
                return "return string.find(" + quote(subject) + ", " + quote(pattern) + rest + ")";
            }
            case 2:
            case 3:
                return "return string.match(" + quote(subject) + ", " + quote(pattern) + init_argument() + ")";
            case 4:
                return "return collect(string.gmatch(" + quote(subject) + ", " + quote(pattern) + init_argument() +
                       "))";
            default:
                return "return string.gsub(" + quote(subject) + ", " + quote(pattern) + ", " + replacement() +
                       (pick(5) == 0 ? ", " + std::to_string(static_cast<int>(pick(4))) : "") + ")";
        }
    }

private:
    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
    char one_of(std::string_view chars) { return chars[pick(static_cast<unsigned>(chars.size()))]; }

    // A small alphabet, so that patterns match often.
    static constexpr std::string_view kSubjectChars{"aab()-. 1A\0%]", 13};

    std::string random_subject() {
        std::string s;
        const unsigned len = pick(13);
        for (unsigned i = 0; i < len; ++i) s += one_of(kSubjectChars);
        return s;
    }

    std::string init_argument() {
        if (pick(3) != 0) return "";
        return ", " + std::to_string(static_cast<int>(pick(31)) - 15);
    }

    std::string replacement() {
        switch (pick(6)) {
            case 0: return R"~("<%0>")~";
            case 1: return pick(3) == 0 ? R"~("%1-%2")~" : R"~("[%1]")~";
            case 2: return R"~("x%%y")~";
            case 3: return R"~({a = "A", b = false, ["("] = 1, [1] = "one"})~";
            case 4: return R"~(function(...) return select("#", ...) .. table.concat({...}, ",") end)~";
            default: {
                std::string r = "\"";
                const unsigned len = pick(5);
                for (unsigned i = 0; i < len; ++i) r += one_of("ab%01239");
                return r + "\"";
            }
        }
    }

    std::string single_item() {
        switch (pick(12)) {
            case 0:
            case 1:
            case 2: return std::string(1, one_of(kSubjectChars));
            case 3: return ".";
            case 4: return std::string("%") + one_of("adswpluxcgzADSWPLUXCGZ");
            case 5: return std::string("%") + one_of("%.()[]-*+?^$a");
            case 6:
            case 7: return random_set();
            case 8: return std::string(1, one_of("a-b()"));
            case 9: return std::string(1, one_of("^$*+?"));
            default: return std::string(1, one_of("ab"));
        }
    }

    std::string random_set() {
        std::string set = "[";
        if (pick(3) == 0) set += '^';
        if (pick(6) == 0) set += ']';
        const unsigned members = 1 + pick(3);
        for (unsigned i = 0; i < members; ++i) {
            switch (pick(5)) {
                case 0: set += one_of("ab(.-"); break;
                case 1: set += std::string(1, one_of("a ")) + "-" + one_of("bz1"); break;
                case 2: set += std::string("%") + one_of("adsw]%-"); break;
                case 3: set += '-'; break;
                default: set += one_of(kSubjectChars); break;
            }
        }
        if (pick(12) != 0) set += ']';  // sometimes unterminated
        return set;
    }

    std::string random_item(int depth) {
        switch (pick(16)) {
            case 0:
                if (depth < 2) {
                    std::string inner;
                    const unsigned n = pick(3);
                    for (unsigned i = 0; i < n; ++i) inner += random_item(depth + 1);
                    return "(" + inner + (pick(10) != 0 ? ")" : "");
                }
                return "()";
            case 1: return "()";
            case 2: return std::string("%") + one_of("01112");
            case 3: return std::string("%b") + one_of("()a") + one_of("()b");
            case 4: return "%f" + random_set();
            case 5: return pick(4) == 0 ? std::string(1, one_of("%)(")) : "%b" + std::string(pick(2), '(');
            default: {
                std::string item = single_item();
                if (pick(2) == 0) item += one_of("*+-?");
                return item;
            }
        }
    }

    std::string random_pattern() {
        std::string p;
        if (pick(4) == 0) p += '^';
        const unsigned items = pick(8);
        for (unsigned i = 0; i < items; ++i) p += random_item(0);
        if (pick(5) == 0) p += '$';
        return p;
    }

    std::mt19937 rng_;
};

TEST_F(PatternDifferential, RandomPatternsAndSubjects) {
    CaseGenerator generator(20240515);
    std::vector<std::string> chunks;
    for (int i = 0; i < 50000; ++i) chunks.push_back(generator.next());
    const Tally tally = compare(chunks);
    // The generator is only useful if it exercises all three outcomes.
    std::printf("random cases: %d matched, %d did not, %d raised errors\n", tally.matched, tally.failed, tally.errors);
    EXPECT_GT(tally.matched, 20000);
    EXPECT_GT(tally.failed, 5000);
    EXPECT_GT(tally.errors, 5000);
}

// ---------------------------------------------------------------------------
// Through the engine: hostile patterns end in the CPU budget, normal work passes

Exit run_with_patterns(std::string_view code, RuntimeOptions options = {}) {
    Harness harness(options);
    install_patterns(harness.runtime.lua());
    const Pid pid = harness.spawn(code);
    harness.run(1000);
    EXPECT_TRUE(harness.os.is_finished());
    return harness.exit_of(pid);
}

TEST(PatternBudget, ExponentialPatternIsStopped) {
    const Exit exit = run_with_patterns(R"~(string.find(string.rep("a", 40000), string.rep("a*", 40) .. "b"))~");
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_NE(exit.error.find("pattern too complex"), std::string::npos) << exit.error;
}

TEST(PatternBudget, ExponentialPatternThroughMethodsAndOtherFunctionsIsStopped) {
    for (const char* call : {"s:match(p)", "s:gsub(p, 'x')", "for _ in s:gmatch(p) do end", "s:find('()' .. p)"}) {
        const std::string code =
            std::string("local s, p = string.rep('a', 40000), string.rep('a*', 40) .. 'b' ") + call;
        const Exit exit = run_with_patterns(code);
        EXPECT_EQ(exit.status, ProcessStatus::Killed) << call;
        EXPECT_NE(exit.error.find("pattern too complex"), std::string::npos) << call << ": " << exit.error;
    }
}

TEST(PatternBudget, CatchingTheErrorDoesNotSaveTheProcess) {
    const Exit exit = run_with_patterns(
        "local ok, err = pcall(string.find, string.rep('a', 40000), string.rep('a*', 40) .. 'b') "
        "print('caught', err) while true do end");
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_EQ(exit.output.find("caught"), std::string::npos) << exit.output;
}

TEST(PatternBudget, QuadraticPlainFindIsStopped) {
    // n * m byte comparisons: 4 MiB of "a" searched for 2 MiB of "a" then "b".
    for (const char* call : {"s:find(p, 1, true)", "s:find(p)", "string.find(s, p, 2)"}) {
        const std::string code =
            std::string("local s = string.rep('a', 4 << 20) local p = string.rep('a', 2 << 20) .. 'b' ") + call;
        const Exit exit = run_with_patterns(code);
        EXPECT_EQ(exit.status, ProcessStatus::Killed) << call;
        EXPECT_NE(exit.error.find("pattern too complex"), std::string::npos) << call << ": " << exit.error;
    }
}

TEST(PatternBudget, NormalGsubOverAHundredKilobytesWorks) {
    const Exit exit = run_with_patterns(
        "local s = string.rep('hello world ', 8534) "  // 102,408 bytes
        "local r, n = s:gsub('o', '0') "
        "local words = 0 for w in s:gmatch('%a+') do words = words + 1 end "
        "local up, m = s:gsub('%f[%w]h', 'H') "
        "print(#s, #r, n, select(2, r:gsub('0', '')), words, m, s:find('world', 100000, true), s:match('(w%a+)%s*$'))");
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "102408\t102408\t17068\t17068\t17068\t8534\t100003\tworld\n");
}

TEST(PatternBudget, WorkIsChargedAgainstTheBudget) {
    // 200,000 steps or so of matching: within the default budget, not within 20,000.
    const char* code = "local s = string.rep('ab', 50000) local _, n = s:gsub('%a', '') print(n)";
    const Exit roomy = run_with_patterns(code);
    EXPECT_EQ(roomy.status, ProcessStatus::Finished) << roomy.error;
    EXPECT_EQ(roomy.output, "100000\n");
    const Exit tight = run_with_patterns(code, {.cpu_budget = 20000});
    EXPECT_EQ(tight.status, ProcessStatus::Killed);
    EXPECT_NE(tight.error.find("pattern too complex"), std::string::npos) << tight.error;
}

}  // namespace
}  // namespace luaos::test
