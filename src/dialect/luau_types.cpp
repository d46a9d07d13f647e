// The type syntax of Luau, parsed only to be skipped: Lua 5.4 has no use for
// it. Nothing here emits output; the tokens after a type land on their lines
// by themselves.

#include "dialect/luau_parser.hpp"

namespace luaos::luau {

// Type ::= ['|' | '&'] SimpleType { '?' | '|' SimpleType | '&' SimpleType }
void Parser::skip_type() {
    Nested nested(*this);
    if (is_symbol("|") || is_symbol("&")) advance();
    skip_simple_type();
    for (;;) {
        if (is_symbol("?")) {
            advance();
        } else if (is_symbol("|") || is_symbol("&")) {
            advance();
            skip_simple_type();
        } else {
            return;
        }
    }
}

void Parser::skip_simple_type() {
    Nested nested(*this);
    const Token& token = cur();
    if (token.kind == TokenKind::String) return advance();
    if (token.kind == TokenKind::Name) {
        std::string_view t = token.text;
        if (t == "nil" || t == "true" || t == "false") return advance();
        if (t == "typeof" && is_symbol_at(ahead(1), "(")) {
            advance();
            return skip_balanced_parentheses();
        }
        if (is_reserved(t)) error_near("type expected");
        advance();
        while (is_symbol(".")) {  // a module's type: M.T
            advance();
            if (!at_name()) error_near("<name> expected");
            advance();
        }
        if (is_symbol("<")) skip_type_arguments();
        if (is_symbol("...")) advance();  // a generic pack, T...
        return;
    }
    if (is_symbol("{")) return skip_table_type();
    if (is_symbol("(")) return skip_parenthesized_types();
    if (is_symbol("<")) {  // a generic function type, <T>(T) -> T
        skip_generic_parameters();
        if (!is_symbol("(")) error_near("'(' expected");
        return skip_parenthesized_types();
    }
    if (is_symbol("...")) {  // a variadic pack, ...T
        advance();
        return skip_type();
    }
    error_near("type expected");
}

// '(' [Type {',' Type}] ')' ['->' ReturnType]: a group, a pack, or the
// parameters of a function type (which may be named: `(x: number) -> ()`).
void Parser::skip_parenthesized_types() {
    expect_symbol("(");
    while (!is_symbol(")")) {
        if (at_name() && is_symbol_at(ahead(1), ":")) {
            advance();
            advance();
        }
        skip_type();
        if (!is_symbol(",")) break;
        advance();
    }
    expect_symbol(")");
    if (is_symbol("->")) {
        advance();
        skip_type();
    }
}

// '{' Type '}' (an array) or '{' [Prop {sep Prop} [sep]] '}', where a Prop
// is `[K]: V`, `name: V` or `read name: V` / `write name: V`.
void Parser::skip_table_type() {
    expect_symbol("{");
    while (!is_symbol("}")) {
        if (is_symbol("[")) {
            advance();
            skip_type();
            expect_symbol("]");
            expect_symbol(":");
            skip_type();
        } else if (cur().kind == TokenKind::Name && (cur().text == "read" || cur().text == "write") &&
                   ahead(1).kind == TokenKind::Name && is_symbol_at(ahead(2), ":")) {
            advance();
            advance();
            advance();
            skip_type();
        } else if (cur().kind == TokenKind::Name && is_symbol_at(ahead(1), ":")) {
            advance();
            advance();
            skip_type();
        } else {
            skip_type();
        }
        if (!is_symbol(",") && !is_symbol(";")) break;
        advance();
    }
    expect_symbol("}");
}

void Parser::skip_type_arguments() {
    expect_symbol("<");
    while (!is_symbol(">")) {
        skip_type();
        if (!is_symbol(",")) break;
        advance();
    }
    expect_symbol(">");
}

// '<' Name ['...'] ['=' Type] {',' ...} '>'
void Parser::skip_generic_parameters() {
    expect_symbol("<");
    while (!is_symbol(">")) {
        if (!at_name()) error_near("<name> expected");
        advance();
        if (is_symbol("...")) advance();
        if (is_symbol("=")) {
            advance();
            skip_type();
        }
        if (!is_symbol(",")) break;
        advance();
    }
    expect_symbol(">");
}

// typeof(expression): its tokens, up to the matching ')'.
void Parser::skip_balanced_parentheses() {
    expect_symbol("(");
    int depth = 1;
    while (depth > 0) {
        if (cur().kind == TokenKind::Eof) error_near("')' expected");
        if (is_symbol("(")) ++depth;
        if (is_symbol(")")) --depth;
        advance();
    }
}

// After `type` (or `export type`): Name ['<' params '>'] '=' Type.
void Parser::type_alias() {
    if (is_keyword("function")) unsupported("a type function ('type function')");
    if (!at_name()) error_near("<name> expected");
    advance();
    if (is_symbol("<")) skip_generic_parameters();
    expect_symbol("=");
    skip_type();
}

}  // namespace luaos::luau
