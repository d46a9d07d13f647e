#include "dialect/luau_lexer.hpp"

#include <cctype>

namespace luaos::luau {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
public:
    explicit Lexer(std::string_view source) : src_(source) {}

    LexResult run() {
        LexResult result;
        result.tokens.reserve(src_.size() / 4 + 1);
        while (error_.empty()) {
            skip_space_and_comments();
            if (!error_.empty()) break;
            if (pos_ >= src_.size()) {
                result.tokens.push_back({TokenKind::Eof, {}, line_, 0});
                break;
            }
            Token token = next();
            if (!error_.empty()) break;
            result.tokens.push_back(token);
        }
        if (!error_.empty()) {
            result.tokens.clear();
            result.error = error_;
            result.error_line = error_line_;
        }
        return result;
    }

private:
    char peek(std::size_t ahead = 0) const { return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0'; }

    void fail(int line, std::string message) {
        if (!error_.empty()) return;
        error_line_ = line;
        error_ = std::move(message);
    }

    // A newline is \n, \r, \r\n or \n\r, counted once, as Lua counts them.
    void newline() {
        char first = src_[pos_++];
        if (pos_ < src_.size() && (src_[pos_] == '\n' || src_[pos_] == '\r') && src_[pos_] != first) ++pos_;
        ++line_;
    }

    // `[` followed by `=`* and `[`: the level, or -1 when this is no long bracket.
    int long_bracket_level() const {
        std::size_t p = pos_ + 1;
        int level = 0;
        while (p < src_.size() && src_[p] == '=') {
            ++p;
            ++level;
        }
        return p < src_.size() && src_[p] == '[' ? level : -1;
    }

    // Skips a long bracket's body from its opening; false if it never closes.
    bool skip_long_bracket(int level) {
        pos_ += static_cast<std::size_t>(level) + 2;
        while (pos_ < src_.size()) {
            char c = src_[pos_];
            if (c == '\n' || c == '\r') {
                newline();
            } else if (c == ']') {
                std::size_t p = pos_ + 1;
                int closing = 0;
                while (p < src_.size() && src_[p] == '=') {
                    ++p;
                    ++closing;
                }
                if (closing == level && p < src_.size() && src_[p] == ']') {
                    pos_ = p + 1;
                    return true;
                }
                pos_ = p;
            } else {
                ++pos_;
            }
        }
        return false;
    }

    void skip_space_and_comments() {
        while (pos_ < src_.size()) {
            char c = src_[pos_];
            if (c == '\n' || c == '\r') {
                newline();
            } else if (c == ' ' || c == '\t' || c == '\f' || c == '\v') {
                ++pos_;
            } else if (c == '-' && peek(1) == '-') {
                int start = line_;
                pos_ += 2;
                int level = peek() == '[' ? long_bracket_level() : -1;
                if (level >= 0) {
                    if (!skip_long_bracket(level)) return fail(start, "unfinished long comment");
                } else {
                    while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
                }
            } else {
                return;
            }
        }
    }

    Token make(TokenKind kind, std::size_t start, int start_line) const {
        return {kind, src_.substr(start, pos_ - start), start_line, line_ - start_line};
    }

    Token next() {
        std::size_t start = pos_;
        int start_line = line_;
        char c = src_[pos_];
        if (is_name_start(c)) {
            while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
            return make(TokenKind::Name, start, start_line);
        }
        if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number(start);
        switch (c) {
            case '"':
            case '\'': return quoted(start, c);
            case '`': return interpolated(TokenKind::InterpSimple);
            case '[': {
                int level = long_bracket_level();
                if (level >= 0) {
                    if (!skip_long_bracket(level)) fail(start_line, "unfinished long string");
                    return make(TokenKind::String, start, start_line);
                }
                break;
            }
            case '{':
                if (!braces_.empty()) ++braces_.back();
                break;
            case '}':
                if (!braces_.empty()) {
                    if (braces_.back() == 0) {
                        braces_.pop_back();
                        return interpolated(TokenKind::InterpEnd);
                    }
                    --braces_.back();
                }
                break;
            case '@':
                ++pos_;
                if (peek() == '[') {  // @[name, name(args)]: skipped whole, as the parser ignores attributes
                    int depth = 0;
                    do {
                        if (src_[pos_] == '[') ++depth;
                        if (src_[pos_] == ']') --depth;
                        if (src_[pos_] == '\n' || src_[pos_] == '\r') {
                            newline();
                        } else {
                            ++pos_;
                        }
                    } while (depth > 0 && pos_ < src_.size());
                    if (depth > 0) fail(start_line, "unfinished attribute list");
                    return make(TokenKind::Attribute, start, start_line);
                }
                if (!is_name_start(peek())) {
                    fail(start_line, "attribute name expected after '@'");
                    return {};
                }
                while (pos_ < src_.size() && is_name_char(src_[pos_])) ++pos_;
                return make(TokenKind::Attribute, start, start_line);
            default: break;
        }
        return symbol(start);
    }

    Token symbol(std::size_t start) {
        static constexpr std::string_view kThree[] = {"...", "..=", "//="};
        static constexpr std::string_view kTwo[] = {"==", "~=", "<=", ">=", "//", "..", "::", "->", "+=",
                                                    "-=", "*=", "/=", "%=", "^="};
        std::string_view rest = src_.substr(pos_);
        for (std::string_view s : kThree) {
            if (rest.substr(0, 3) == s) {
                pos_ += 3;
                return make(TokenKind::Symbol, start, line_);
            }
        }
        for (std::string_view s : kTwo) {
            if (rest.substr(0, 2) == s) {
                pos_ += 2;
                return make(TokenKind::Symbol, start, line_);
            }
        }
        static constexpr std::string_view kOne = "+-*/%^#&|<>=(){}[];:,.?";
        if (kOne.find(src_[pos_]) == std::string_view::npos) {
            unsigned char c = static_cast<unsigned char>(src_[pos_]);
            std::string shown = std::isprint(c) ? std::string(1, static_cast<char>(c)) : "<\\" + std::to_string(c) + ">";
            fail(line_, "unexpected symbol near '" + shown + "'");
            return {};
        }
        ++pos_;
        return make(TokenKind::Symbol, start, line_);
    }

    // Digits, letters, '_' and '.', with a sign after an exponent: the parser
    // checks the form (luau_numbers.cpp), as Lua's lexer reads a numeral whole.
    Token number(std::size_t start) {
        bool hex = peek() == '0' && (peek(1) == 'x' || peek(1) == 'X');
        while (pos_ < src_.size()) {
            char c = src_[pos_];
            if (!hex && (c == 'e' || c == 'E') && (peek(1) == '+' || peek(1) == '-')) {
                pos_ += 2;
            } else if (is_name_char(c) || c == '.') {
                ++pos_;
            } else {
                break;
            }
        }
        return make(TokenKind::Number, start, line_);
    }

    // Skips the escape at pos_ (a backslash); escaped newlines count as lines.
    void skip_escape() {
        ++pos_;
        if (pos_ >= src_.size()) return;
        char c = src_[pos_];
        if (c == '\n' || c == '\r') {
            newline();
        } else if (c == 'u' && peek(1) == '{') {
            // \u{XXXX}: its brace opens no interpolation.
            pos_ += 2;
            while (pos_ < src_.size() && src_[pos_] != '}' && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
            if (pos_ < src_.size() && src_[pos_] == '}') ++pos_;
        } else if (c == 'z') {
            ++pos_;
            while (pos_ < src_.size() && std::isspace(static_cast<unsigned char>(src_[pos_])) != 0) {
                if (src_[pos_] == '\n' || src_[pos_] == '\r') {
                    newline();
                } else {
                    ++pos_;
                }
            }
        } else {
            ++pos_;
        }
    }

    // Skips a string's characters up to one of `stops` or an unescaped
    // newline, which ends no string.
    void skip_string_body(std::string_view stops) {
        while (pos_ < src_.size() && stops.find(src_[pos_]) == std::string_view::npos) {
            char c = src_[pos_];
            if (c == '\n' || c == '\r') return;
            if (c == '\\') {
                skip_escape();
            } else {
                ++pos_;
            }
        }
    }

    Token quoted(std::size_t start, char quote) {
        int start_line = line_;
        ++pos_;
        skip_string_body(std::string_view(&quote, 1));
        if (pos_ >= src_.size() || src_[pos_] != quote) {
            fail(start_line, "unfinished string");
            return {};
        }
        ++pos_;
        return make(TokenKind::String, start, start_line);
    }

    // Reads an interpolated string's segment after its opening '`' or '}':
    // `kind` is InterpSimple at a '`', InterpEnd at a '}'; a '{' turns them
    // into InterpBegin and InterpMid.
    Token interpolated(TokenKind kind) {
        int start_line = line_;
        ++pos_;
        std::size_t start = pos_;
        skip_string_body("`{");
        if (pos_ >= src_.size() || src_[pos_] == '\n' || src_[pos_] == '\r') {
            fail(start_line, "unfinished interpolated string");
            return {};
        }
        Token token{kind, src_.substr(start, pos_ - start), start_line, line_ - start_line};
        if (src_[pos_] == '{') {
            if (peek(1) == '{') {
                fail(line_, "double braces are not permitted within interpolated strings; did you mean '\\{'?");
                return {};
            }
            token.kind = kind == TokenKind::InterpSimple ? TokenKind::InterpBegin : TokenKind::InterpMid;
            braces_.push_back(0);
        }
        ++pos_;
        return token;
    }

    std::string_view src_;
    std::size_t pos_ = 0;
    int line_ = 1;
    std::vector<int> braces_;  // per open interpolation: '{' depth inside its expression
    std::string error_;
    int error_line_ = 0;
};

}  // namespace

LexResult lex_luau(std::string_view source) { return Lexer(source).run(); }

}  // namespace luaos::luau
