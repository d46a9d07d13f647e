#pragma once
// The translator's recursive-descent parser: it reads Luau tokens and writes
// Lua 5.4 text as it goes. Statements and expressions are in
// luau_translator.cpp, the type syntax it skips in luau_types.cpp.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dialect/luau_lexer.hpp"

namespace luaos::luau {

struct SyntaxError {
    int line;
    std::string message;
};

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}
    // The whole chunk as Lua 5.4; throws SyntaxError.
    std::string translate();

private:
    // What a suffixed expression was, for statements that reuse its parts.
    enum class Form { Name, Field, Index, Call, Other };
    struct Suffixed {
        Form form = Form::Other;
        std::size_t start = 0;      // where its text begins in out_
        std::size_t object_end = 0;  // Field/Index: where the indexed object's text ends
        std::size_t key_start = 0, key_end = 0;  // Index: the key's text
        std::string_view field;     // Field: the name
        std::string_view name;      // Name: the name
        bool plain_parts = false;   // Field/Index: the object and key are one plain token each
    };
    // Raises the nesting depth for one recursive rule.
    class Nested {
    public:
        explicit Nested(Parser& parser);
        ~Nested() { --parser_.depth_; }
        Nested(const Nested&) = delete;
        Nested& operator=(const Nested&) = delete;

    private:
        Parser& parser_;
    };
    struct Loop {
        bool is_function = false;  // a function body: continue cannot cross it
        bool has_continue = false;
    };

    // tokens
    const Token& cur() const { return tokens_[pos_]; }
    const Token& ahead(std::size_t n) const;
    bool is_symbol(std::string_view text) const { return is_symbol_at(cur(), text); }
    static bool is_symbol_at(const Token& token, std::string_view text) {
        return token.kind == TokenKind::Symbol && token.text == text;
    }
    bool is_keyword(std::string_view text) const { return cur().kind == TokenKind::Name && cur().text == text; }
    static bool is_reserved(std::string_view name);
    bool at_name() const { return cur().kind == TokenKind::Name && !is_reserved(cur().text); }
    void advance() {
        if (cur().kind != TokenKind::Eof) ++pos_;
    }
    [[noreturn]] void error_near(const std::string& message) const;
    [[noreturn]] void unsupported(const std::string& construct) const;
    void require(bool present, std::string_view text) const;  // "'text' expected" unless present
    void expect_symbol(std::string_view text);  // skips it without emitting
    void expect_keyword(std::string_view text);

    // output
    void move_to(int line);
    void emit(std::string_view text);
    void emit_token();  // the current token as written, then advance
    void emit_token_as(std::string_view text);
    void emit_symbol(std::string_view text);  // expects the symbol, emits it
    void emit_keyword(std::string_view text);
    void emit_name();
    void emit_field();
    void emit_string();  // the current quoted or long string, as Lua reads it
    void discard_from(std::size_t mark);
    void replace_from(std::size_t mark, const std::string& text);
    std::string text_from(std::size_t begin, std::size_t end) const { return out_.substr(begin, end - begin); }

    // statements
    bool block_follows() const;
    void block();
    void statement();
    void if_statement();
    void for_statement();
    void loop_body();
    void function_statement();
    void local_statement();
    bool at_const_declaration() const;
    void const_statement();
    void const_function();
    void return_statement();
    void expression_statement();
    void compound_assignment(const Suffixed& target);
    void continue_statement();
    void function_body();
    void skip_attributes();

    // expressions
    std::size_t expression_list();  // how many expressions
    void expression(int limit = 0);
    void simple_expression();
    static bool is_plain_operand(const Token& token);
    void modulo(std::size_t left_start, int right_priority);
    Suffixed suffixed_expression();
    void call_arguments();
    void table_constructor();
    void if_expression();
    void interpolated_string();
    static std::string lua_string_from_interpolated(std::string_view segment);

    // types (luau_types.cpp): parsed to be skipped, never emitted
    void skip_type();
    void skip_simple_type();
    void skip_parenthesized_types();
    void skip_table_type();
    void skip_type_arguments();
    void skip_generic_parameters();
    void skip_balanced_parentheses();
    void type_alias();

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    std::string out_;
    int line_ = 1;
    int depth_ = 0;
    std::vector<Loop> loops_;
    // Whether the expression just parsed may give several values (a call or
    // `...`, not parenthesized and not an operand): what the Luau parser
    // checks a const declaration's last value for.
    bool last_multiple_ = false;
};

}  // namespace luaos::luau
