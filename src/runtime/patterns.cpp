#include "runtime/patterns.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <lua.hpp>

#include "runtime/cpu_budget.hpp"
#include "runtime/luau_library.hpp"

// Written from the Lua 5.4 reference manual (section 6.4.1, "Patterns") and
// checked against Lua 5.4.4's observable behaviour (tests/runtime/patterns_test.cpp
// compares the two on thousands of cases), including its quirks: malformed
// pattern items are reported only when the matcher reaches them, a '^' is an
// anchor for find, match and gsub but a literal for gmatch, a back-reference
// to a position capture never matches, and so on.
//
// Lua errors are longjmps here (Debian builds Lua as C), so every frame that
// can be unwound by one holds plain data only: the matcher reports faults as
// values and the lua_CFunctions raise them.

namespace luaos {
namespace {

// Lua's own limits (LUA_MAXCAPTURES, and the 200 nested matcher calls after
// which Lua gives up), so that the same patterns are accepted.
constexpr int kMaxCaptures = 32;
constexpr int kMaxCalls = 200;
// The outermost call is the matcher itself; each nested call of Lua's is one
// saved frame here.
constexpr int kMaxFrames = kMaxCalls - 1;

constexpr std::ptrdiff_t kCapUnfinished = -1;
constexpr std::ptrdiff_t kCapPosition = -2;

// Steps are counted locally and charged to the budget in batches of this many.
constexpr std::uint64_t kChargeBatch = 1024;
// memchr, memcmp and straight scans of the pattern cover this many bytes in
// about the time of one VM instruction; they are charged at that rate.
constexpr std::size_t kBulkBytesPerStep = 8;
// A plain find compares a candidate in chunks of this many bytes, so that a
// mismatch early in a long needle costs (and is charged) little.
constexpr std::size_t kCompareChunk = 256;

constexpr char kEscape = '%';

int uc(char c) { return static_cast<unsigned char>(c); }

enum class Fault : std::uint8_t {
    None,
    TooComplex,  // the CPU budget is spent, or the backtracking stack is full
    EndsWithEscape,
    MissingBracket,
    MissingBalanceArguments,
    MissingFrontierBracket,
    InvalidCaptureIndex,
    InvalidPatternCapture,
    TooManyCaptures,
};

struct Capture {
    const char* init;
    std::ptrdiff_t len;  // or kCapUnfinished, kCapPosition
};

// A saved alternative (what Lua keeps in a suspended recursive call).
enum class FrameKind : std::uint8_t {
    Optional,  // x? took x: a = subject position without it, b = the pattern after '?'
    Greedy,    // x* or x+: a = fewest subject position, b = current end, c = the pattern after the quantifier
    Lazy,      // x-: a = current subject position, b = the item, c = the item's end (the '-')
    Open,      // a capture was opened: undo on failure
    Close,     // capture `index` was closed: reopen on failure
};

struct Frame {
    const char* a;
    const char* b;
    const char* c;
    int index;
    FrameKind kind;
};

// All plain data: nothing here needs a destructor.
struct Matcher {
    lua_State* L;
    const char* src_init;
    const char* src_end;
    const char* p_end;
    std::uint64_t pending;  // steps not charged yet
    int level;              // captures in use
    int fault_index;        // the capture index of Fault::InvalidCaptureIndex
    Fault fault;
    Capture capture[kMaxCaptures];
    Frame frames[kMaxFrames];
};

void matcher_init(Matcher& m, lua_State* L, const char* s, std::size_t ls, const char* p, std::size_t lp) {
    m.L = L;
    m.src_init = s;
    m.src_end = s + ls;
    m.p_end = p + lp;
    m.pending = 0;
    m.level = 0;
    m.fault_index = 0;
    m.fault = Fault::None;
}

// Charges the pending steps; false (with Fault::TooComplex) once the budget is spent.
[[gnu::noinline]] bool flush(Matcher& m) {
    const std::uint64_t steps = m.pending;
    m.pending = 0;
    if (cpu_budget_charge(m.L, steps)) return true;
    m.fault = Fault::TooComplex;
    return false;
}

inline bool charge(Matcher& m, std::uint64_t steps) {
    m.pending += steps;
    return m.pending < kChargeBatch || flush(m);
}

// Charges whatever is pending; false if the matcher faulted or the budget is spent.
bool settle(Matcher& m) {
    if (m.fault != Fault::None) return false;
    return m.pending == 0 || flush(m);
}

// Raises an error after charging the work done so far: a script that catches
// the error still pays for it. Only plain data is live in the callers.
template <typename... Args>
int raise_error(Matcher& m, const char* format, Args... args) {
    if (m.pending != 0) {
        cpu_budget_charge(m.L, m.pending);
        m.pending = 0;
    }
    return luaL_error(m.L, format, args...);
}

int raise_fault(Matcher& m) {
    switch (m.fault) {
        case Fault::TooComplex:
        case Fault::None:
            break;
        case Fault::EndsWithEscape:
            return raise_error(m, "malformed pattern (ends with '%%')");
        case Fault::MissingBracket:
            return raise_error(m, "malformed pattern (missing ']')");
        case Fault::MissingBalanceArguments:
            return raise_error(m, "malformed pattern (missing arguments to '%%b')");
        case Fault::MissingFrontierBracket:
            return raise_error(m, "missing '[' after '%%f' in pattern");
        case Fault::InvalidCaptureIndex:
            return raise_error(m, "invalid capture index %%%d", m.fault_index);
        case Fault::InvalidPatternCapture:
            return raise_error(m, "invalid pattern capture");
        case Fault::TooManyCaptures:
            return raise_error(m, "too many captures");
    }
    return raise_error(m, "pattern too complex");
}

const char* fail_with(Matcher& m, Fault fault) {
    m.fault = fault;
    return nullptr;
}

// ---------------------------------------------------------------------------
// Single items

// Whether c is in the class of %cl (a letter; upper case for the
// complement) or, for any other cl, is cl. The <cctype> tests, as in Lua, so
// that the locale has the same effect. (Lua finds the class with tolower(cl)
// and the complement with isupper(cl), which in every locale come to the
// same for these letters; spelling out both cases saves two libc calls.)
bool class_match(int c, int cl) {
    switch (cl) {
        case 'a': return std::isalpha(c) != 0;
        case 'A': return std::isalpha(c) == 0;
        case 'c': return std::iscntrl(c) != 0;
        case 'C': return std::iscntrl(c) == 0;
        case 'd': return std::isdigit(c) != 0;
        case 'D': return std::isdigit(c) == 0;
        case 'g': return std::isgraph(c) != 0;
        case 'G': return std::isgraph(c) == 0;
        case 'l': return std::islower(c) != 0;
        case 'L': return std::islower(c) == 0;
        case 'p': return std::ispunct(c) != 0;
        case 'P': return std::ispunct(c) == 0;
        case 's': return std::isspace(c) != 0;
        case 'S': return std::isspace(c) == 0;
        case 'u': return std::isupper(c) != 0;
        case 'U': return std::isupper(c) == 0;
        case 'w': return std::isalnum(c) != 0;
        case 'W': return std::isalnum(c) == 0;
        case 'x': return std::isxdigit(c) != 0;
        case 'X': return std::isxdigit(c) == 0;
        case 'z': return c == 0;  // deprecated since 5.2, still there in 5.4
        case 'Z': return c != 0;
        default: return cl == c;
    }
}

// Whether c is in the set that starts with the '[' at `open` and ends with
// the ']' at `close`. Members are read left to right: "%x" is a class or an
// escaped character, "x-y" a range when something other than the closing ']'
// follows the '-', anything else a character.
bool set_match(Matcher& m, int c, const char* open, const char* close) {
    const char* p = open;
    bool in_result = true;
    if (p[1] == '^') {
        in_result = false;
        ++p;
    }
    bool found = false;
    while (++p < close) {
        if (*p == kEscape) {
            ++p;
            if (class_match(c, uc(*p))) {
                found = true;
                break;
            }
        } else if (p[1] == '-' && p + 2 < close) {
            p += 2;
            if (uc(p[-2]) <= c && c <= uc(*p)) {
                found = true;
                break;
            }
        } else if (uc(*p) == c) {
            found = true;
            break;
        }
    }
    m.pending += static_cast<std::size_t>(p - open) / kBulkBytesPerStep;
    return found == in_result;
}

// The end of the single item at p (a character, '.', "%x" or a set); null
// with the fault set if it is malformed.
const char* item_end(Matcher& m, const char* p) {
    const char* const p_end = m.p_end;
    switch (*p++) {
        case kEscape:
            if (p == p_end) return fail_with(m, Fault::EndsWithEscape);
            return p + 1;
        case '[': {
            const char* const first = p;
            if (p < p_end && *p == '^') ++p;
            // The first member is never the closing ']', so "[]]" is the set of ']'.
            do {
                if (p == p_end) return fail_with(m, Fault::MissingBracket);
                if (*p++ == kEscape && p < p_end) ++p;
            } while (p == p_end || *p != ']');
            m.pending += static_cast<std::size_t>(p - first) / kBulkBytesPerStep;
            return p + 1;
        }
        default:
            return p;
    }
}

// Whether the subject character at s matches the item [p, ep).
inline bool single_match(Matcher& m, const char* s, const char* p, const char* ep) {
    if (s >= m.src_end) return false;
    const int c = uc(*s);
    switch (*p) {
        case '.': return true;
        case kEscape: return class_match(c, uc(p[1]));
        case '[': return set_match(m, c, p, ep - 1);
        default: return uc(*p) == c;
    }
}

// The end of the longest run from t of characters matching the item [p, ep);
// null when the budget is spent.
const char* item_run(Matcher& m, const char* t, const char* p, const char* ep) {
    const char* const end = m.src_end;
    switch (*p) {
        case '.':
            if (!charge(m, static_cast<std::size_t>(end - t) / kBulkBytesPerStep)) return nullptr;
            return end;
        case kEscape:
        case '[':
            while (single_match(m, t, p, ep)) {
                ++t;
                if (!charge(m, 1)) return nullptr;
            }
            return t;
        default: {
            const char c = *p;
            const char* const start = t;
            while (t < end && *t == c) ++t;
            if (!charge(m, static_cast<std::size_t>(t - start))) return nullptr;
            return t;
        }
    }
}

// %bxy at s: the end of the balanced run, or null (fault set if the budget is spent).
const char* balance(Matcher& m, const char* s, char open, char close) {
    if (s >= m.src_end || *s != open) return nullptr;
    std::size_t depth = 1;
    for (const char* t = s + 1; t < m.src_end; ++t) {
        if (!charge(m, 1)) return nullptr;
        if (*t == close) {
            if (--depth == 0) return t + 1;
        } else if (*t == open) {
            ++depth;
        }
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// The matcher: a loop over pattern items with an explicit stack of saved
// alternatives, explored in the same order as Lua's recursive matcher.

bool push(Matcher& m, int& depth, FrameKind kind, const char* a = nullptr, const char* b = nullptr,
          const char* c = nullptr, int index = 0) {
    if (depth >= kMaxFrames) {
        m.fault = Fault::TooComplex;
        return false;
    }
    m.frames[depth++] = Frame{a, b, c, index, kind};
    return true;
}

// Resumes the most recent alternative left (setting s and p); false if none is.
bool backtrack(Matcher& m, int& depth, const char*& s, const char*& p) {
    while (depth > 0) {
        Frame& f = m.frames[depth - 1];
        switch (f.kind) {
            case FrameKind::Optional:
                --depth;
                s = f.a;
                p = f.b;
                return true;
            case FrameKind::Greedy:
                if (f.b > f.a) {
                    s = --f.b;
                    p = f.c;
                    return true;
                }
                break;
            case FrameKind::Lazy:
                if (single_match(m, f.a, f.b, f.c)) {
                    s = ++f.a;
                    p = f.c + 1;
                    return true;
                }
                break;
            case FrameKind::Open:
                --m.level;
                break;
            case FrameKind::Close:
                m.capture[f.index].len = kCapUnfinished;
                break;
        }
        --depth;
    }
    return false;
}

// Matches the pattern [p, m.p_end) at s: the end of the match, or null, with
// m.fault set if the pattern is malformed or the budget ran out.
const char* match_at(Matcher& m, const char* s, const char* p) {
    m.level = 0;
    int depth = 0;
    for (;;) {
        if (!charge(m, 1)) return nullptr;
        if (p == m.p_end) return s;
        switch (*p) {
            case '(': {
                if (m.level >= kMaxCaptures) return fail_with(m, Fault::TooManyCaptures);
                const bool position = p + 1 < m.p_end && p[1] == ')';
                m.capture[m.level].init = s;
                m.capture[m.level].len = position ? kCapPosition : kCapUnfinished;
                ++m.level;
                if (!push(m, depth, FrameKind::Open)) return nullptr;
                p += position ? 2 : 1;
                continue;
            }
            case ')': {
                int l = m.level - 1;
                while (l >= 0 && m.capture[l].len != kCapUnfinished) --l;
                if (l < 0) return fail_with(m, Fault::InvalidPatternCapture);
                m.capture[l].len = s - m.capture[l].init;
                if (!push(m, depth, FrameKind::Close, nullptr, nullptr, nullptr, l)) return nullptr;
                ++p;
                continue;
            }
            case '$':
                if (p + 1 != m.p_end) break;  // a '$' elsewhere is a character
                if (s == m.src_end) return s;
                goto fail;
            case kEscape:
                if (p + 1 == m.p_end) break;  // item_end reports it
                switch (p[1]) {
                    case 'b': {
                        if (m.p_end - p < 4) return fail_with(m, Fault::MissingBalanceArguments);
                        const char* e = balance(m, s, p[2], p[3]);
                        if (e == nullptr) {
                            if (m.fault != Fault::None) return nullptr;
                            goto fail;
                        }
                        s = e;
                        p += 4;
                        continue;
                    }
                    case 'f': {
                        const char* set = p + 2;
                        if (set == m.p_end || *set != '[') return fail_with(m, Fault::MissingFrontierBracket);
                        const char* ep = item_end(m, set);
                        if (ep == nullptr) return nullptr;
                        // Outside the subject is '\0' on both sides.
                        const int before = s == m.src_init ? 0 : uc(s[-1]);
                        const int here = s == m.src_end ? 0 : uc(*s);
                        if (set_match(m, before, set, ep - 1) || !set_match(m, here, set, ep - 1)) goto fail;
                        p = ep;
                        continue;
                    }
                    case '0': case '1': case '2': case '3': case '4':
                    case '5': case '6': case '7': case '8': case '9': {
                        const int l = p[1] - '1';
                        if (l < 0 || l >= m.level || m.capture[l].len == kCapUnfinished) {
                            m.fault_index = l + 1;
                            return fail_with(m, Fault::InvalidCaptureIndex);
                        }
                        // A position capture's negative length never fits.
                        const auto len = static_cast<std::size_t>(m.capture[l].len);
                        if (static_cast<std::size_t>(m.src_end - s) < len) goto fail;
                        if (!charge(m, 1 + len / kBulkBytesPerStep)) return nullptr;
                        if (std::memcmp(m.capture[l].init, s, len) != 0) goto fail;
                        s += len;
                        p += 2;
                        continue;
                    }
                    default:
                        break;
                }
                break;
            default:
                break;
        }
        {
            // A single item, maybe quantified.
            const char* ep = item_end(m, p);
            if (ep == nullptr) return nullptr;
            const char quantifier = ep < m.p_end ? *ep : '\0';
            if (!single_match(m, s, p, ep)) {
                if (quantifier == '*' || quantifier == '?' || quantifier == '-') {
                    p = ep + 1;  // zero occurrences
                    continue;
                }
                goto fail;
            }
            switch (quantifier) {
                case '?':
                    if (!push(m, depth, FrameKind::Optional, s, ep + 1)) return nullptr;
                    ++s;
                    p = ep + 1;
                    continue;
                case '+':
                case '*': {
                    const char* run_end = item_run(m, s + 1, p, ep);
                    if (run_end == nullptr) return nullptr;
                    const char* fewest = quantifier == '+' ? s + 1 : s;
                    if (!push(m, depth, FrameKind::Greedy, fewest, run_end, ep + 1)) return nullptr;
                    s = run_end;
                    p = ep + 1;
                    continue;
                }
                case '-':
                    if (!push(m, depth, FrameKind::Lazy, s, p, ep)) return nullptr;
                    p = ep + 1;
                    continue;
                default:
                    ++s;
                    p = ep;
                    continue;
            }
        }
    fail:
        if (!backtrack(m, depth, s, p)) return nullptr;
    }
}

// ---------------------------------------------------------------------------
// Results

// Pushes capture i (the whole match [s, e) if there are no captures and i
// is 0); the bytes copied are charged with the next settle().
void push_capture(Matcher& m, int i, const char* s, const char* e) {
    if (i >= m.level) {
        if (i != 0) raise_error(m, "invalid capture index %%%d", i + 1);
        lua_pushlstring(m.L, s, static_cast<std::size_t>(e - s));  // the whole match
        m.pending += static_cast<std::size_t>(e - s) / kBulkBytesPerStep;
        return;
    }
    const Capture& capture = m.capture[i];
    if (capture.len == kCapUnfinished) {
        raise_error(m, "unfinished capture");
    } else if (capture.len == kCapPosition) {
        lua_pushinteger(m.L, capture.init - m.src_init + 1);
    } else {
        lua_pushlstring(m.L, capture.init, static_cast<std::size_t>(capture.len));
        m.pending += static_cast<std::size_t>(capture.len) / kBulkBytesPerStep;
    }
}

// Pushes the captures, or the whole match [s, e) if there are none and s is
// not null; returns how many values.
int push_captures(Matcher& m, const char* s, const char* e) {
    const int n = (m.level == 0 && s != nullptr) ? 1 : m.level;
    luaL_checkstack(m.L, n, "too many captures");
    for (int i = 0; i < n; ++i) push_capture(m, i, s, e);
    return n;
}

// An init argument (1-based, negative from the end) as a 1-based position.
std::size_t start_position(lua_Integer pos, std::size_t len) {
    if (pos > 0) return static_cast<std::size_t>(pos);
    if (pos == 0) return 1;
    if (pos < -static_cast<lua_Integer>(len)) return 1;
    return len + static_cast<std::size_t>(pos) + 1;
}

bool no_specials(Matcher& m, const char* p, std::size_t lp) {
    m.pending += lp / kBulkBytesPerStep;
    for (std::size_t i = 0; i < lp; ++i) {
        switch (p[i]) {
            case '^': case '$': case '*': case '+': case '?':
            case '.': case '(': case '[': case '%': case '-':
                return false;
            default:
                break;
        }
    }
    return true;
}

// The first occurrence of [p, p + lp) in [s, s + ls), or null (fault set if
// the budget ran out).
const char* plain_find(Matcher& m, const char* s, std::size_t ls, const char* p, std::size_t lp) {
    if (lp == 0) return s;
    if (lp > ls) return nullptr;
    const char* const last = s + (ls - lp);  // the last place it can start
    const char* from = s;
    while (from <= last) {
        const auto span = static_cast<std::size_t>(last - from) + 1;
        const auto* hit = static_cast<const char*>(std::memchr(from, uc(p[0]), span));
        const std::size_t scanned = hit != nullptr ? static_cast<std::size_t>(hit - from) + 1 : span;
        if (!charge(m, 1 + scanned / kBulkBytesPerStep)) return nullptr;
        if (hit == nullptr) return nullptr;
        std::size_t same = 1;
        while (same < lp) {
            const std::size_t n = std::min(lp - same, kCompareChunk);
            if (!charge(m, 1 + n / kBulkBytesPerStep)) return nullptr;
            if (std::memcmp(hit + same, p + same, n) != 0) break;
            same += n;
        }
        if (same >= lp) return hit;
        from = hit + 1;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// The library functions

int find_aux(lua_State* L, bool find) {
    luau_floats_as_text(L, 1, 2);
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char* s = luaL_checklstring(L, 1, &ls);
    const char* p = luaL_checklstring(L, 2, &lp);
    const std::size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    Matcher m;
    matcher_init(m, L, s, ls, p, lp);
    if (find && (lua_toboolean(L, 4) || no_specials(m, p, lp))) {
        const char* hit = plain_find(m, s + init, ls - init, p, lp);
        if (!settle(m)) return raise_fault(m);
        if (hit != nullptr) {
            lua_pushinteger(L, hit - s + 1);
            lua_pushinteger(L, static_cast<lua_Integer>(static_cast<std::size_t>(hit - s) + lp));
            return 2;
        }
    } else {
        const bool anchor = lp > 0 && *p == '^';
        if (anchor) ++p;
        for (const char* s1 = s + init;; ++s1) {
            const char* e = match_at(m, s1, p);
            if (e != nullptr) {
                int results = 0;
                if (find) {
                    lua_pushinteger(L, s1 - s + 1);
                    lua_pushinteger(L, e - s);
                    results = push_captures(m, nullptr, nullptr) + 2;
                } else {
                    results = push_captures(m, s1, e);
                }
                if (!settle(m)) return raise_fault(m);
                return results;
            }
            if (m.fault != Fault::None) return raise_fault(m);
            if (anchor || s1 >= m.src_end) break;
        }
        if (!settle(m)) return raise_fault(m);
    }
    luaL_pushfail(L);
    return 1;
}

int str_find(lua_State* L) { return find_aux(L, true); }

int str_match(lua_State* L) { return find_aux(L, false); }

// Where a gmatch iterator stands, as offsets into its subject.
struct GmatchState {
    std::size_t next;       // where to try next
    std::ptrdiff_t last_end;  // where the last match ended; -1 before the first
};

// gmatch's iterator. Upvalues: the subject, the pattern and its GmatchState.
int gmatch_step(lua_State* L) {
    std::size_t ls = 0;
    std::size_t lp = 0;
    const char* s = lua_tolstring(L, lua_upvalueindex(1), &ls);
    const char* p = lua_tolstring(L, lua_upvalueindex(2), &lp);
    auto* state = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
    Matcher m;
    matcher_init(m, L, s, ls, p, lp);
    for (std::size_t at = state->next; at <= ls; ++at) {
        const char* e = match_at(m, s + at, p);
        if (e != nullptr) {
            // No empty match right where the previous match ended.
            if (e - s == state->last_end) continue;
            state->next = static_cast<std::size_t>(e - s);
            state->last_end = e - s;
            const int results = push_captures(m, s + at, e);
            if (!settle(m)) return raise_fault(m);
            return results;
        }
        if (m.fault != Fault::None) return raise_fault(m);
    }
    if (!settle(m)) return raise_fault(m);
    return 0;
}

int str_gmatch(lua_State* L) {
    luau_floats_as_text(L, 1, 2);
    std::size_t ls = 0;
    luaL_checklstring(L, 1, &ls);
    luaL_checklstring(L, 2, nullptr);
    std::size_t init = start_position(luaL_optinteger(L, 3, 1), ls) - 1;
    if (init > ls) init = ls + 1;  // past the end: no match at all
    lua_settop(L, 2);
    auto* state = static_cast<GmatchState*>(lua_newuserdatauv(L, sizeof(GmatchState), 0));
    state->next = init;
    state->last_end = -1;
    lua_pushcclosure(L, gmatch_step, 3);
    return 1;
}

// Appends the replacement string (argument 3) for the match [s, e), with its
// %0-%9 and %% expanded; false if the budget ran out.
bool add_string(Matcher& m, luaL_Buffer* b, const char* s, const char* e) {
    lua_State* L = m.L;
    std::size_t l = 0;
    const char* news = lua_tolstring(L, 3, &l);
    const char* const end = news + l;
    std::size_t copied = l;
    for (;;) {
        const auto* escape = static_cast<const char*>(std::memchr(news, kEscape, static_cast<std::size_t>(end - news)));
        if (escape == nullptr) break;
        luaL_addlstring(b, news, static_cast<std::size_t>(escape - news));
        const int d = escape + 1 < end ? uc(escape[1]) : 0;
        if (d == kEscape) {
            luaL_addchar(b, kEscape);
        } else if (d == '0') {
            luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
            copied += static_cast<std::size_t>(e - s);
        } else if (std::isdigit(d) != 0) {
            const int i = d - '1';
            if (i >= m.level) {
                if (i != 0) raise_error(m, "invalid capture index %%%d", i + 1);
                luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
                copied += static_cast<std::size_t>(e - s);
            } else if (m.capture[i].len == kCapUnfinished) {
                raise_error(m, "unfinished capture");
            } else if (m.capture[i].len == kCapPosition) {
                lua_pushinteger(L, m.capture[i].init - m.src_init + 1);
                luaL_addvalue(b);
            } else {
                luaL_addlstring(b, m.capture[i].init, static_cast<std::size_t>(m.capture[i].len));
                copied += static_cast<std::size_t>(m.capture[i].len);
            }
        } else {
            raise_error(m, "invalid use of '%c' in replacement string", kEscape);
        }
        news = escape + 2;
    }
    luaL_addlstring(b, news, static_cast<std::size_t>(end - news));
    return charge(m, 1 + copied / kBulkBytesPerStep);
}

enum class Added : std::uint8_t { Kept, Replaced, OutOfBudget };

// Appends the replacement for the match [s, e) as argument 3 (of type `tr`) asks.
Added add_value(Matcher& m, luaL_Buffer* b, const char* s, const char* e, int tr) {
    lua_State* L = m.L;
    switch (tr) {
        // The work so far is charged before Lua code runs (the function, or an
        // __index metamethod): it may raise, and its own instructions count anyway.
        case LUA_TFUNCTION: {
            lua_pushvalue(L, 3);
            const int n = push_captures(m, s, e);
            if (!settle(m)) return Added::OutOfBudget;
            lua_call(L, n, 1);
            break;
        }
        case LUA_TTABLE:
            push_capture(m, 0, s, e);
            if (!settle(m)) return Added::OutOfBudget;
            lua_gettable(L, 3);
            break;
        default:
            return add_string(m, b, s, e) ? Added::Replaced : Added::OutOfBudget;
    }
    if (!lua_toboolean(L, -1)) {  // nil or false: keep the original
        lua_pop(L, 1);
        luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
        return charge(m, static_cast<std::size_t>(e - s) / kBulkBytesPerStep) ? Added::Kept : Added::OutOfBudget;
    }
    if (!lua_isstring(L, -1)) {
        raise_error(m, "invalid replacement value (a %s)", luaL_typename(L, -1));
        return Added::Kept;
    }
    luau_float_as_text(L, -1);
    std::size_t len = 0;
    lua_tolstring(L, -1, &len);
    luaL_addvalue(b);
    return charge(m, len / kBulkBytesPerStep) ? Added::Replaced : Added::OutOfBudget;
}

int str_gsub(lua_State* L) {
    luau_floats_as_text(L, 1, 3);
    std::size_t srcl = 0;
    std::size_t lp = 0;
    const char* src = luaL_checklstring(L, 1, &srcl);
    const char* p = luaL_checklstring(L, 2, &lp);
    const int tr = lua_type(L, 3);
    const lua_Integer max_s = luaL_optinteger(L, 4, static_cast<lua_Integer>(srcl) + 1);
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    const bool anchor = lp > 0 && *p == '^';
    if (anchor) {
        ++p;
        --lp;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    Matcher m;
    matcher_init(m, L, src, srcl, p, lp);
    const char* last_end = nullptr;
    lua_Integer n = 0;
    bool changed = false;
    while (n < max_s) {
        const char* e = match_at(m, src, p);
        if (e == nullptr && m.fault != Fault::None) return raise_fault(m);
        if (e != nullptr && e != last_end) {  // no empty match right after the previous one
            ++n;
            const Added added = add_value(m, &b, src, e, tr);
            if (added == Added::OutOfBudget) return raise_fault(m);
            changed = changed || added == Added::Replaced;
            src = last_end = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor) break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, static_cast<std::size_t>(m.src_end - src));
        m.pending += static_cast<std::size_t>(m.src_end - src) / kBulkBytesPerStep;
        luaL_pushresult(&b);
    }
    if (!settle(m)) return raise_fault(m);
    lua_pushinteger(L, n);
    return 2;
}

}  // namespace

void patterns_install(lua_State* L, int string_table_index) {
    static const luaL_Reg kFunctions[] = {
        {"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch}, {"gsub", str_gsub}, {nullptr, nullptr}};
    lua_pushvalue(L, string_table_index);
    luaL_setfuncs(L, kFunctions, 0);
    lua_pop(L, 1);
}

}  // namespace luaos
