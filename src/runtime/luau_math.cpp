// Luau's math additions: clamp, sign, round, noise, lerp, map, isnan,
// isinf, isfinite, and the Lua 5.1 names Luau keeps (atan2, pow, ldexp,
// frexp, cosh, sinh, tanh, log10). Every result is a float, as all of
// Luau's numbers are.

#include <cmath>
#include <lua.hpp>

#include "runtime/luau_library.hpp"

namespace luaos {
namespace {

int math_clamp(lua_State* L) {
    double x = luaL_checknumber(L, 1);
    double low = luaL_checknumber(L, 2);
    double high = luaL_checknumber(L, 3);
    luaL_argcheck(L, low <= high, 3, "max must be greater than or equal to min");
    lua_pushnumber(L, x < low ? low : (x > high ? high : x));
    return 1;
}

int math_sign(lua_State* L) {
    double x = luaL_checknumber(L, 1);
    lua_pushnumber(L, x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0));
    return 1;
}

int math_round(lua_State* L) {
    lua_pushnumber(L, std::round(luaL_checknumber(L, 1)));
    return 1;
}

int math_lerp(lua_State* L) {
    double a = luaL_checknumber(L, 1);
    double b = luaL_checknumber(L, 2);
    double t = luaL_checknumber(L, 3);
    lua_pushnumber(L, t == 1.0 ? b : a + (b - a) * t);
    return 1;
}

int math_map(lua_State* L) {
    double x = luaL_checknumber(L, 1);
    double in_min = luaL_checknumber(L, 2);
    double in_max = luaL_checknumber(L, 3);
    double out_min = luaL_checknumber(L, 4);
    double out_max = luaL_checknumber(L, 5);
    lua_pushnumber(L, out_min + (x - in_min) * (out_max - out_min) / (in_max - in_min));
    return 1;
}

template <bool (*Test)(double)>
int math_test(lua_State* L) {
    lua_pushboolean(L, Test(luaL_checknumber(L, 1)));
    return 1;
}
bool test_nan(double x) { return std::isnan(x); }
bool test_inf(double x) { return std::isinf(x); }
bool test_finite(double x) { return std::isfinite(x); }

template <double (*F)(double)>
int math_unary(lua_State* L) {
    lua_pushnumber(L, F(luaL_checknumber(L, 1)));
    return 1;
}
double cosh_of(double x) { return std::cosh(x); }
double sinh_of(double x) { return std::sinh(x); }
double tanh_of(double x) { return std::tanh(x); }
double log10_of(double x) { return std::log10(x); }

int math_atan2(lua_State* L) {
    lua_pushnumber(L, std::atan2(luaL_checknumber(L, 1), luaL_checknumber(L, 2)));
    return 1;
}

int math_pow(lua_State* L) {
    lua_pushnumber(L, std::pow(luaL_checknumber(L, 1), luaL_checknumber(L, 2)));
    return 1;
}

int math_ldexp(lua_State* L) {
    lua_pushnumber(L, std::ldexp(luaL_checknumber(L, 1), static_cast<int>(luau_check_integer(L, 2))));
    return 1;
}

int math_frexp(lua_State* L) {
    int exponent = 0;
    lua_pushnumber(L, std::frexp(luaL_checknumber(L, 1), &exponent));
    lua_pushnumber(L, exponent);
    return 2;
}

// Lua 5.4's floor and ceil return integers where they fit; Luau's are floats
// like every number (so `math.floor(x) // 0` is inf, not an error).
int math_floor(lua_State* L) {
    lua_pushnumber(L, std::floor(luaL_checknumber(L, 1)));
    return 1;
}

int math_ceil(lua_State* L) {
    lua_pushnumber(L, std::ceil(luaL_checknumber(L, 1)));
    return 1;
}

// Ken Perlin's improved noise (his reference permutation), in single
// precision as Luau computes it.
constexpr unsigned char kPermutation[256] = {
    151, 160, 137, 91,  90,  15,  131, 13,  201, 95,  96,  53,  194, 233, 7,   225, 140, 36,  103, 30,  69,  142,
    8,   99,  37,  240, 21,  10,  23,  190, 6,   148, 247, 120, 234, 75,  0,   26,  197, 62,  94,  252, 219, 203,
    117, 35,  11,  32,  57,  177, 33,  88,  237, 149, 56,  87,  174, 20,  125, 136, 171, 168, 68,  175, 74,  165,
    71,  134, 139, 48,  27,  166, 77,  146, 158, 231, 83,  111, 229, 122, 60,  211, 133, 230, 220, 105, 92,  41,
    55,  46,  245, 40,  244, 102, 143, 54,  65,  25,  63,  161, 1,   216, 80,  73,  209, 76,  132, 187, 208, 89,
    18,  169, 200, 196, 135, 130, 116, 188, 159, 86,  164, 100, 109, 198, 173, 186, 3,   64,  52,  217, 226, 250,
    124, 123, 5,   202, 38,  147, 118, 126, 255, 82,  85,  212, 207, 206, 59,  227, 47,  16,  58,  17,  182, 189,
    28,  42,  223, 183, 170, 213, 119, 248, 152, 2,   44,  154, 163, 70,  221, 153, 101, 155, 167, 43,  172, 9,
    129, 22,  39,  253, 19,  98,  108, 110, 79,  113, 224, 232, 178, 185, 112, 104, 218, 246, 97,  228, 251, 34,
    242, 193, 238, 210, 144, 12,  191, 179, 162, 241, 81,  51,  145, 235, 249, 14,  239, 107, 49,  192, 214, 31,
    181, 199, 106, 157, 184, 84,  204, 176, 115, 121, 50,  45,  127, 4,   150, 254, 138, 236, 205, 93,  222, 114,
    67,  29,  24,  72,  243, 141, 128, 195, 78,  66,  215, 61,  156, 180};

int perm(int i) { return kPermutation[i & 255]; }
float fade(float t) { return t * t * t * (t * (t * 6 - 15) + 10); }
float lerp(float t, float a, float b) { return a + t * (b - a); }
float grad(int hash, float x, float y, float z) {
    int h = hash & 15;
    float u = h < 8 ? x : y;
    float v = h < 4 ? y : (h == 12 || h == 14 ? x : z);
    return ((h & 1) != 0 ? -u : u) + ((h & 2) != 0 ? -v : v);
}

// The lattice cell modulo 256, defined for any finite coordinate.
int cell(float floored) { return static_cast<int>(std::fmod(floored, 256.0f)) & 255; }

float perlin(float x, float y, float z) {
    float xf = std::floor(x), yf = std::floor(y), zf = std::floor(z);
    int xi = cell(xf), yi = cell(yf), zi = cell(zf);
    x -= xf;
    y -= yf;
    z -= zf;
    float u = fade(x), v = fade(y), w = fade(z);
    int a = perm(xi) + yi, aa = perm(a) + zi, ab = perm(a + 1) + zi;
    int b = perm(xi + 1) + yi, ba = perm(b) + zi, bb = perm(b + 1) + zi;
    float near_z = lerp(v, lerp(u, grad(perm(aa), x, y, z), grad(perm(ba), x - 1, y, z)),
                        lerp(u, grad(perm(ab), x, y - 1, z), grad(perm(bb), x - 1, y - 1, z)));
    float far_z = lerp(v, lerp(u, grad(perm(aa + 1), x, y, z - 1), grad(perm(ba + 1), x - 1, y, z - 1)),
                       lerp(u, grad(perm(ab + 1), x, y - 1, z - 1), grad(perm(bb + 1), x - 1, y - 1, z - 1)));
    return lerp(w, near_z, far_z);
}

int math_noise(lua_State* L) {
    auto coordinate = [L](int arg) {
        double value = luaL_optnumber(L, arg, 0.0);
        return std::isfinite(value) ? static_cast<float>(value) : 0.0f;
    };
    lua_pushnumber(L, perlin(coordinate(1), coordinate(2), coordinate(3)));
    return 1;
}

}  // namespace

void luau_math_functions(lua_State* L, int math) {
    const luaL_Reg functions[] = {{"clamp", math_clamp},
                                  {"sign", math_sign},
                                  {"round", math_round},
                                  {"noise", math_noise},
                                  {"lerp", math_lerp},
                                  {"map", math_map},
                                  {"isnan", math_test<test_nan>},
                                  {"isinf", math_test<test_inf>},
                                  {"isfinite", math_test<test_finite>},
                                  {"floor", math_floor},
                                  {"ceil", math_ceil},
                                  {"atan2", math_atan2},
                                  {"pow", math_pow},
                                  {"ldexp", math_ldexp},
                                  {"frexp", math_frexp},
                                  {"cosh", math_unary<cosh_of>},
                                  {"sinh", math_unary<sinh_of>},
                                  {"tanh", math_unary<tanh_of>},
                                  {"log10", math_unary<log10_of>},
                                  {nullptr, nullptr}};
    lua_pushvalue(L, math);
    luaL_setfuncs(L, functions, 0);
    lua_pop(L, 1);
}

}  // namespace luaos
