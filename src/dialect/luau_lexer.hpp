#pragma once
// Tokens of Luau source, each with the line it starts on, so that the
// translator can put every token of its output on the same line.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace luaos::luau {

enum class TokenKind {
    Eof,
    Name,       // identifiers, keywords included (the parser tells them apart)
    Number,
    String,     // a quoted or long string, as written
    InterpSimple,  // `text` with no braces
    InterpBegin,   // `text{
    InterpMid,     // }text{
    InterpEnd,     // }text`
    Attribute,  // @name
    Symbol,     // operators and punctuation
};

struct Token {
    TokenKind kind = TokenKind::Eof;
    std::string_view text;  // as written; for interpolated segments, the text between the delimiters
    int line = 1;           // the line the token starts on
    int newlines = 0;       // newlines inside the token (long strings, escaped newlines)
};

struct LexResult {
    std::vector<Token> tokens;  // ends with an Eof token when error is empty
    std::string error;          // "LINE: message" without the chunk name
    int error_line = 0;
};

// Splits `source` into tokens, dropping comments. Linear in its size.
LexResult lex_luau(std::string_view source);

}  // namespace luaos::luau
