// Luau's os.date, os.time and os.difftime, which differ from Lua 5.4's.
//
// Luau's os.date reads the time as a number and truncates it; a negative
// time in local time gives nil (Luau refuses dates before the epoch there,
// because Windows' localtime fails on them), while `!` (UTC) takes any time
// gmtime can represent, and nil when it cannot. `*t` gives the table Lua's
// gives. Any other format may only use the conversions Luau lists, one
// strftime each, up to the format's first zero byte; Lua 5.4 accepts every C99 conversion and raises an error on
// a time it cannot represent.
//
// Luau's os.time(table) reads the table as UTC (Lua 5.4's as local time,
// through mktime), gives nil for a moment before the epoch (Lua 5.4 raises
// an error where mktime fails), and a float; fields are read raw, numbers
// truncated, hour 12 by default. os.difftime truncates its times too.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <lua.hpp>

#include "runtime/cpu_budget.hpp"
#include "runtime/luau_library.hpp"

namespace luaos {
namespace {

constexpr const char* kConversions = "aAbBcdHIjmMpSUwWxXyYzZ%";
constexpr std::uint64_t kStepsPerConversion = 32;  // a strftime call, in VM instructions, about
constexpr int kChargeEvery = 256;                  // conversions per CPU budget charge

void set_integer(lua_State* L, const char* key, int value) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

void push_date_table(lua_State* L, const std::tm& date) {
    lua_createtable(L, 0, 9);
    set_integer(L, "sec", date.tm_sec);
    set_integer(L, "min", date.tm_min);
    set_integer(L, "hour", date.tm_hour);
    set_integer(L, "day", date.tm_mday);
    set_integer(L, "month", date.tm_mon + 1);
    set_integer(L, "year", date.tm_year + 1900);
    set_integer(L, "wday", date.tm_wday + 1);
    set_integer(L, "yday", date.tm_yday + 1);
    if (date.tm_isdst >= 0) {
        lua_pushboolean(L, date.tm_isdst);
        lua_setfield(L, -2, "isdst");
    }
}

// Pushes `format` with each %-conversion replaced by strftime's text.
int push_formatted(lua_State* L, const char* format, std::size_t length, const std::tm& date) {
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    int conversions = 0;
    const char* end = format + length;
    for (const char* s = format; s < end; ++s) {
        if (*s != '%' || s + 1 == end) {
            luaL_addchar(&buffer, *s);
            continue;
        }
        ++s;
        if (std::strchr(kConversions, *s) == nullptr) {
            return luaL_argerror(L, 1, "invalid conversion specifier");
        }
        if (++conversions % kChargeEvery == 0 && !cpu_budget_charge(L, kChargeEvery * kStepsPerConversion)) {
            return luaL_error(L, "date format too long");
        }
        const char conversion[3] = {'%', *s, '\0'};
        char text[200];
        luaL_addlstring(&buffer, text, std::strftime(text, sizeof text, conversion, &date));
    }
    luaL_pushresult(&buffer);
    return 1;
}

int luau_date(lua_State* L) {
    luau_float_as_text(L, 1);
    const char* format = luaL_optstring(L, 1, "%c");
    std::size_t length = std::strlen(format);  // as Luau reads it: up to a zero byte
    std::time_t time = lua_isnoneornil(L, 2) ? std::time(nullptr) : static_cast<std::time_t>(luau_check_integer(L, 2));
    std::tm date{};
    bool valid = false;
    if (length > 0 && format[0] == '!') {
        valid = gmtime_r(&time, &date) != nullptr;
        ++format;
        --length;
    } else {
        valid = time >= 0 && localtime_r(&time, &date) != nullptr;
    }
    if (!valid) {
        lua_pushnil(L);
        return 1;
    }
    if (length == 2 && std::memcmp(format, "*t", 2) == 0) {
        push_date_table(L, date);
        return 1;
    }
    return push_formatted(L, format, length, date);
}

// A date table's field as Luau reads it: raw, a number truncated, `fallback`
// when absent (an error when there is none).
long long date_field(lua_State* L, const char* key, long long fallback) {
    lua_pushstring(L, key);
    lua_rawget(L, 1);
    long long value = fallback;
    if (lua_type(L, -1) == LUA_TNUMBER || (lua_type(L, -1) == LUA_TSTRING && lua_isnumber(L, -1))) {
        value = luau_check_integer(L, -1);
    } else if (fallback < 0) {
        luaL_error(L, "field '%s' missing in date table", key);
    }
    lua_pop(L, 1);
    return value;
}

// Days from 1970-01-01 to the given day of the proleptic Gregorian calendar
// (month 1-12 after normalization; the day may run past the month's end).
long long days_from_epoch(long long year, long long month, long long day) {
    year += month <= 2 ? -1 : 0;
    const long long era = (year >= 0 ? year : year - 399) / 400;
    const long long year_of_era = year - era * 400;
    const long long day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const long long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

int luau_time(lua_State* L) {
    if (lua_isnoneornil(L, 1)) {
        lua_pushnumber(L, static_cast<double>(std::time(nullptr)));
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    const long long sec = date_field(L, "sec", 0);
    const long long min = date_field(L, "min", 0);
    const long long hour = date_field(L, "hour", 12);
    const long long day = date_field(L, "day", -1);
    long long month = date_field(L, "month", -1) - 1;  // 0-based, then brought into 0-11
    long long year = date_field(L, "year", -1);
    // Luau reads the fields as C ints; within those the sums below stay far inside 64 bits.
    constexpr long long kLimit = 1LL << 31;
    if (std::llabs(year) > kLimit || std::llabs(month) > kLimit || std::llabs(day) > kLimit ||
        std::llabs(hour) > kLimit || std::llabs(min) > kLimit || std::llabs(sec) > kLimit) {
        lua_pushnil(L);
        return 1;
    }
    year += month >= 0 ? month / 12 : (month - 11) / 12;
    month = ((month % 12) + 12) % 12;
    const long long seconds = days_from_epoch(year, month + 1, day) * 86400 + hour * 3600 + min * 60 + sec;
    if (seconds < 0) {
        lua_pushnil(L);
    } else {
        lua_pushnumber(L, static_cast<double>(seconds));
    }
    return 1;
}

// os.difftime(t2 [, t1]): t2 - t1 in seconds, each time truncated (Lua 5.4
// refuses a time with a fraction).
int luau_difftime(lua_State* L) {
    const auto later = static_cast<std::time_t>(luau_check_integer(L, 1));
    const auto earlier = static_cast<std::time_t>(luau_opt_integer(L, 2, 0));
    lua_pushnumber(L, std::difftime(later, earlier));
    return 1;
}

}  // namespace

void luau_os_functions(lua_State* L, int os) {
    lua_pushcfunction(L, luau_date);
    lua_setfield(L, os, "date");
    lua_pushcfunction(L, luau_time);
    lua_setfield(L, os, "time");
    lua_pushcfunction(L, luau_difftime);
    lua_setfield(L, os, "difftime");
}

}  // namespace luaos
