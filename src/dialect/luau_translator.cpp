#include "dialect/luau_translator.hpp"

#include <algorithm>
#include <array>

#include "dialect/luau_numbers.hpp"
#include "dialect/luau_parser.hpp"

namespace luaos::luau {
namespace {

// Luau's reserved words; `continue`, `type`, `export` and `typeof` are names
// that mean more only in some places.
constexpr std::array<std::string_view, 21> kReserved = {
    "and", "break", "do",  "else", "elseif", "end",    "false", "for",  "function", "if",   "in",
    "local", "nil", "not", "or",   "repeat", "return", "then",  "true", "until",    "while"};

// What may follow a backslash in a Lua 5.4 string: an escape, or a line break.
bool is_lua_escape(char c) {
    return c == '\n' || c == '\r' || (c >= '0' && c <= '9') ||
           (c != '\0' && std::string_view("abfnrtvxzu\\\"'").find(c) != std::string_view::npos);
}

// A name Luau allows that Lua 5.4 reserves.
bool is_lua_only_keyword(std::string_view name) { return name == "goto"; }

constexpr std::string_view kReservedPrefix = "__luau_";

struct BinaryOperator {
    std::string_view text;
    int left;
    int right;
};
// Lua 5.1's priorities, which Luau keeps (it has no bitwise operators).
constexpr std::array<BinaryOperator, 15> kBinary = {{{"+", 10, 10},
                                                     {"-", 10, 10},
                                                     {"*", 11, 11},
                                                     {"/", 11, 11},
                                                     {"//", 11, 11},
                                                     {"%", 11, 11},
                                                     {"^", 14, 13},
                                                     {"..", 9, 8},
                                                     {"==", 3, 3},
                                                     {"~=", 3, 3},
                                                     {"<", 3, 3},
                                                     {"<=", 3, 3},
                                                     {">", 3, 3},
                                                     {">=", 3, 3},
                                                     {"and", 2, 2}}};
constexpr int kUnaryPriority = 12;
constexpr int kConcatRight = 9;  // stops an operand at the next `..`: chains become one call

const BinaryOperator* binary_operator(const Token& token) {
    if (token.kind == TokenKind::Name && token.text == "or") {
        static constexpr BinaryOperator kOr{"or", 1, 1};
        return &kOr;
    }
    if (token.kind != TokenKind::Symbol && !(token.kind == TokenKind::Name && token.text == "and")) return nullptr;
    for (const BinaryOperator& op : kBinary) {
        if (op.text == token.text) return &op;
    }
    return nullptr;
}

std::string describe(const Token& token) {
    switch (token.kind) {
        case TokenKind::Eof: return "<eof>";
        case TokenKind::InterpSimple:
        case TokenKind::InterpBegin: return "'`" + std::string(token.text.substr(0, 40)) + "'";
        case TokenKind::InterpMid:
        case TokenKind::InterpEnd: return "'}" + std::string(token.text.substr(0, 40)) + "'";
        default: return "'" + std::string(token.text.substr(0, 40)) + "'";
    }
}

std::size_t count_newlines(std::string_view text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

Parser::Nested::Nested(Parser& parser) : parser_(parser) {
    if (++parser_.depth_ > kMaxLuauDepth) {
        parser_.error_near("chunk has too many syntax levels");
    }
}

const Token& Parser::ahead(std::size_t n) const { return tokens_[std::min(pos_ + n, tokens_.size() - 1)]; }

bool Parser::is_reserved(std::string_view name) {
    return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

void Parser::error_near(const std::string& message) const { throw SyntaxError{cur().line, message + " near " + describe(cur())}; }

void Parser::unsupported(const std::string& construct) const {
    throw SyntaxError{cur().line, construct + " is not supported by luaos's Luau (docs/luau.md)"};
}

void Parser::require(bool present, std::string_view text) const {
    if (!present) error_near("'" + std::string(text) + "' expected");
}

void Parser::expect_symbol(std::string_view text) {
    require(is_symbol(text), text);
    advance();
}

void Parser::expect_keyword(std::string_view text) {
    require(is_keyword(text), text);
    advance();
}

// ---- output ----------------------------------------------------------------

void Parser::move_to(int line) {
    while (line_ < line) {
        out_.push_back('\n');
        ++line_;
    }
}

// Tokens are always separated by a space, so that none can fuse with the
// next (`- -x` must not become a comment).
void Parser::emit(std::string_view text) {
    if (!out_.empty() && out_.back() != ' ' && out_.back() != '\n') out_.push_back(' ');
    out_.append(text);
}

void Parser::emit_token_as(std::string_view text) {
    move_to(cur().line);
    emit(text);
    line_ += cur().newlines;
    advance();
}

void Parser::emit_token() { emit_token_as(cur().text); }

void Parser::emit_symbol(std::string_view text) {
    require(is_symbol(text), text);
    emit_token();
}

void Parser::emit_keyword(std::string_view text) {
    require(is_keyword(text), text);
    emit_token();
}

// A variable's name as Lua 5.4 may read it: Lua's extra keyword, `_ENV`
// (which names the globals' table in Lua, and nothing in Luau) and the
// helpers' prefix are moved out of the way.
void Parser::emit_name() {
    if (!at_name()) error_near("<name> expected");
    std::string_view name = cur().text;
    if (is_lua_only_keyword(name) || name == "_ENV") {
        emit_token_as(std::string(kReservedPrefix) + "kw_" + std::string(name));
    } else if (name.substr(0, kReservedPrefix.size()) == kReservedPrefix) {
        emit_token_as(std::string(kReservedPrefix) + "u_" + std::string(name.substr(kReservedPrefix.size())));
    } else {
        emit_token();
    }
}

// A field's or method's name: a key, as written (`t.__luau_x` is
// `t["__luau_x"]`, as `{__luau_x = 1}` makes it).
void Parser::emit_field() {
    if (!at_name()) error_near("<name> expected");
    emit_token();
}

void Parser::discard_from(std::size_t mark) {
    line_ -= static_cast<int>(count_newlines(std::string_view(out_).substr(mark)));
    out_.resize(mark);
}

// Rewrites the output from `mark` with `text`, made of pieces of it: any
// newline the pieces leave out is put back at the end, so the line count holds.
void Parser::replace_from(std::size_t mark, const std::string& text) {
    std::size_t old_lines = count_newlines(std::string_view(out_).substr(mark));
    std::size_t new_lines = count_newlines(text);
    out_.resize(mark);
    out_.append(text);
    if (old_lines > new_lines) out_.append(old_lines - new_lines, '\n');
}

// ---- statements ------------------------------------------------------------

std::string Parser::translate() {
    out_.reserve(tokens_.size() * 8);
    block();
    if (cur().kind != TokenKind::Eof) error_near("'<eof>' expected");
    return std::move(out_);
}

bool Parser::block_follows() const {
    if (cur().kind == TokenKind::Eof) return true;
    if (cur().kind != TokenKind::Name) return false;
    std::string_view t = cur().text;
    return t == "end" || t == "else" || t == "elseif" || t == "until";
}

void Parser::block() {
    Nested nested(*this);
    while (!block_follows()) {
        if (is_keyword("return")) {
            return_statement();
            return;
        }
        statement();
    }
}

void Parser::statement() {
    const Token& token = cur();
    if (is_symbol(";")) return emit_token();
    if (token.kind == TokenKind::Attribute) {
        skip_attributes();
        if (!is_keyword("function") && !is_keyword("local")) error_near("'function' expected after an attribute");
        return statement();
    }
    if (token.kind == TokenKind::Name) {
        std::string_view t = token.text;
        if (t == "if") return if_statement();
        if (t == "while") {
            emit_token();
            expression();
            emit_keyword("do");
            loop_body();
            return emit_keyword("end");
        }
        if (t == "do") {
            emit_token();
            block();
            return emit_keyword("end");
        }
        if (t == "for") return for_statement();
        if (t == "repeat") {
            emit_token();
            loop_body();
            emit_keyword("until");
            return expression();
        }
        if (t == "function") return function_statement();
        if (t == "local") return local_statement();
        if (t == "const" && at_const_declaration()) return const_statement();
        if (t == "break") return emit_token();
    }
    expression_statement();
}

void Parser::skip_attributes() {
    while (cur().kind == TokenKind::Attribute) advance();
}

void Parser::if_statement() {
    emit_token();
    expression();
    emit_keyword("then");
    block();
    while (is_keyword("elseif")) {
        emit_token();
        expression();
        emit_keyword("then");
        block();
    }
    if (is_keyword("else")) {
        emit_token();
        block();
    }
    emit_keyword("end");
}

// A loop's body; `continue` becomes a goto to a label at its end, where Lua
// counts the body's locals as out of scope.
void Parser::loop_body() {
    loops_.push_back({});
    block();
    if (loops_.back().has_continue) {
        move_to(cur().line);
        emit("::__luau_continue::");
    }
    loops_.pop_back();
}

void Parser::continue_statement() {
    if (loops_.empty() || loops_.back().is_function) error_near("'continue' outside a loop");
    loops_.back().has_continue = true;
    emit_token_as("goto __luau_continue");
}

void Parser::for_statement() {
    emit_token();
    emit_name();
    if (is_symbol(":")) {
        advance();
        skip_type();
    }
    if (is_symbol("=")) {
        emit_token();
        expression();
        emit_symbol(",");
        expression();
        if (is_symbol(",")) {
            emit_token();
            expression();
        }
    } else {
        while (is_symbol(",")) {
            emit_token();
            emit_name();
            if (is_symbol(":")) {
                advance();
                skip_type();
            }
        }
        emit_keyword("in");
        // Luau iterates a table (or its __iter) as well as a function.
        emit("__luau_iter(");
        expression_list();
        emit(")");
    }
    emit_keyword("do");
    loop_body();
    emit_keyword("end");
}

void Parser::function_statement() {
    emit_token();
    emit_name();
    while (is_symbol(".") || is_symbol(":")) {
        bool method = is_symbol(":");
        emit_token();
        if (at_name() && is_lua_only_keyword(cur().text)) unsupported("a function named '" + std::string(cur().text) + "' in a table");
        emit_field();
        if (method) break;
    }
    function_body();
}

void Parser::local_statement() {
    emit_token();
    if (is_keyword("function")) {
        emit_token();
        emit_name();
        return function_body();
    }
    for (;;) {
        emit_name();
        if (is_symbol(":")) {
            advance();
            skip_type();
        }
        if (!is_symbol(",")) break;
        emit_token();
    }
    if (is_symbol("=")) {
        emit_token();
        expression_list();
    }
}

// `const` is a keyword only where `local` could stand, before a name or
// `function`; elsewhere it is a name (`local const = 1`, `const.x`, `const()`).
bool Parser::at_const_declaration() const {
    const Token& next = ahead(1);
    return next.kind == TokenKind::Name && (next.text == "function" || !is_reserved(next.text));
}

// `const a, b = e, f` is `local a <const>, b <const> = e, f`: Lua 5.4 itself
// refuses, at compile time and on its line, any assignment to a or b, plain
// or compound, anywhere in their scope. As in Luau, a declaration that
// certainly leaves a name without a value is an error.
void Parser::const_statement() {
    const int line = cur().line;
    emit_token_as("local");
    if (is_keyword("function")) return const_function();
    std::size_t names = 0;
    for (;;) {
        emit_name();
        emit("<const>");
        ++names;
        if (is_symbol(":")) {
            advance();
            skip_type();
        }
        if (!is_symbol(",")) break;
        emit_token();
    }
    if (!is_symbol("=")) throw SyntaxError{line, "missing initializer in const declaration"};
    emit_token();
    std::size_t values = 0;
    for (;;) {
        expression();
        ++values;
        if (!is_symbol(",")) break;
        emit_token();
    }
    if (values < names && !last_multiple_) throw SyntaxError{line, "missing initializer in const declaration"};
}

// `const function f` sees f in its own body, as `local function f` does, and
// Lua 5.4 cannot mark a local function const: the function is made inside a
// closure called once, `local f <const> = (function() local function f ...
// end return f end)();`, all on the lines the declaration had.
void Parser::const_function() {
    advance();  // `function`, written with the name
    std::size_t name_start = out_.size();
    emit_name();
    std::string name = text_from(name_start, out_.size());
    name.erase(0, name.find_first_not_of(" \n"));  // the newlines and space emit put before it
    emit("<const> = (function() local function " + name);
    function_body();
    emit("return " + name + " end)();");
}

// Always `do return ... end`: a loop body may get a continue label after it.
// Luau makes no tail calls: `return f(x)` keeps the caller's frame, so that
// `error(m, 2)` in f names the caller's line and endless recursion through a
// tail call is a stack overflow, not an endless loop. Lua 5.4 makes no tail
// call from inside the scope of a to-be-closed variable, and a nil one costs
// two instructions: `do local __luau_tc <close> = nil return f(x) end`.
void Parser::return_statement() {
    move_to(cur().line);
    emit("do");
    const std::size_t mark = out_.size();
    emit_token();
    if (!block_follows() && !is_symbol(";")) {
        const std::size_t first = pos_;
        const std::size_t count = expression_list();
        const bool only_varargs = pos_ == first + 1 && is_symbol_at(tokens_[first], "...");
        if (count == 1 && last_multiple_ && !only_varargs) out_.insert(mark, " local __luau_tc <close> = nil;");
    }
    if (is_symbol(";")) emit_token();
    emit("end");
    if (!block_follows()) error_near("'end' expected");
}

void Parser::expression_statement() {
    std::size_t mark = out_.size();
    Suffixed target = suffixed_expression();
    if (is_symbol("=") || is_symbol(",")) {
        if (target.form == Form::Call || target.form == Form::Other) error_near("syntax error");
        while (is_symbol(",")) {
            emit_token();
            Suffixed next = suffixed_expression();
            if (next.form == Form::Call || next.form == Form::Other) error_near("syntax error");
        }
        emit_symbol("=");
        expression_list();
        return;
    }
    const Token& token = cur();
    if (token.kind == TokenKind::Symbol && token.text.size() >= 2 && token.text.back() == '=' &&
        token.text != "==" && token.text != "~=" && token.text != "<=" && token.text != ">=") {
        if (target.form == Form::Call || target.form == Form::Other) error_near("syntax error");
        return compound_assignment(target);
    }
    if (target.form == Form::Call) return;
    if (target.form == Form::Name) {
        if (target.name == "continue") {
            discard_from(mark);
            --pos_;
            return continue_statement();
        }
        if (target.name == "type" && cur().kind == TokenKind::Name) {
            discard_from(mark);
            return type_alias();
        }
        if (target.name == "export" && is_keyword("type") && ahead(1).kind == TokenKind::Name) {
            discard_from(mark);
            advance();
            return type_alias();
        }
        if (target.name == "class" && at_name()) unsupported("a class declaration ('class')");
    }
    error_near("syntax error (expressions must be calls or assignments)");
}

// `t[k()] op= e`: the object and key are evaluated once, into locals.
void Parser::compound_assignment(const Suffixed& target) {
    std::string op(cur().text.substr(0, cur().text.size() - 1));
    advance();
    std::string place;
    std::string rebuilt;
    // `t.x op= e` and `t[k] op= e` with a plain name or literal for t and k
    // read them twice, which changes nothing and keeps Lua's error messages
    // naming them; other targets are evaluated once, into locals.
    const bool direct = target.form == Form::Name || target.plain_parts;
    switch (direct ? Form::Name : target.form) {
        case Form::Name: place = text_from(target.start, out_.size()); break;
        case Form::Field:
            rebuilt = " do local __luau_o = " + text_from(target.start, target.object_end) + ";";
            place = "__luau_o." + std::string(target.field);
            break;
        case Form::Index:
            rebuilt = " do local __luau_o, __luau_k = " + text_from(target.start, target.object_end) + ", " +
                      text_from(target.key_start, target.key_end) + ";";
            place = "__luau_o[__luau_k]";
            break;
        default: error_near("syntax error");
    }
    if (!direct) {
        replace_from(target.start, rebuilt);
        emit(place);  // a direct target is already there
    }
    emit("=");
    if (op == "..") {
        emit("__luau_cat(" + place + ", (");
        expression();
        emit("))");
    } else {
        emit(place + " " + op + " (");
        expression();
        emit(")");
    }
    if (!direct) emit("end");
}

void Parser::function_body() {
    if (is_symbol("<")) skip_generic_parameters();
    emit_symbol("(");
    if (!is_symbol(")")) {
        for (;;) {
            if (is_symbol("...")) {
                emit_token();
                if (is_symbol(":")) {
                    advance();
                    skip_type();
                }
                break;
            }
            emit_name();
            if (is_symbol(":")) {
                advance();
                skip_type();
            }
            if (!is_symbol(",")) break;
            emit_token();
        }
    }
    emit_symbol(")");
    if (is_symbol(":")) {
        advance();
        skip_type();
    }
    loops_.push_back({true, false});
    block();
    loops_.pop_back();
    emit_keyword("end");
}

// ---- expressions -------------------------------------------------------------

std::size_t Parser::expression_list() {
    expression();
    std::size_t count = 1;
    while (is_symbol(",")) {
        emit_token();
        expression();
        ++count;
    }
    return count;
}

// Lua's precedence climbing; `a .. b .. c` becomes __luau_cat(a, b, c), one
// call that formats numbers as Luau does.
void Parser::expression(int limit) {
    Nested nested(*this);
    // On the operand's own line: a __luau_cat( inserted here is the call
    // whose line Lua reports.
    move_to(cur().line);
    std::size_t start = out_.size();
    bool left_is_one_token = false;
    bool multiple = false;
    if (is_keyword("not") || is_symbol("-") || is_symbol("#")) {
        emit_token();
        expression(kUnaryPriority);
    } else {
        std::size_t first = pos_;
        simple_expression();
        multiple = last_multiple_;
        left_is_one_token = pos_ == first + 1 && is_plain_operand(tokens_[first]);
    }
    for (;;) {
        const BinaryOperator* op = binary_operator(cur());
        if (op == nullptr || op->left <= limit) break;
        multiple = false;
        if (op->text == "%" && left_is_one_token && is_plain_operand(ahead(1))) {
            modulo(start, op->right);
            left_is_one_token = false;
            continue;
        }
        left_is_one_token = false;
        if (op->text == "..") {
            out_.insert(start, " __luau_cat(");
            while (is_symbol("..")) {
                move_to(cur().line);
                advance();
                emit(",");
                expression(kConcatRight);
            }
            emit(")");
            continue;
        }
        emit_token();
        expression(op->right);
    }
    last_multiple_ = multiple;
}

// A name or a numeral: reading it twice costs nothing and changes nothing.
bool Parser::is_plain_operand(const Token& token) {
    return token.kind == TokenKind::Number || (token.kind == TokenKind::Name && !is_reserved(token.text));
}

// `a % b` with plain operands becomes `(a - a // b * b)`: Luau's own
// definition of the remainder of doubles, which Lua 5.4 computes for floats
// with one instruction each, where its `%` calls fmod (three times slower,
// and different from Luau's at infinities). Anything more than one token on
// the right (`b.c`, `b ^ 2`) stays a `%`, so nothing is evaluated twice.
void Parser::modulo(std::size_t left_start, int right_priority) {
    std::string left = text_from(left_start, out_.size());
    emit_token();
    std::size_t right_start = out_.size();
    std::size_t first = pos_;
    expression(right_priority);
    if (pos_ != first + 1) return;
    std::string right = text_from(right_start, out_.size());
    replace_from(left_start, " (" + left + " - " + left + " // " + right + " * " + right + ")");
}

void Parser::simple_expression() {
    const Token& token = cur();
    const std::size_t start = out_.size();
    bool multiple = false;
    switch (token.kind) {
        case TokenKind::Number: {
            std::optional<std::string> numeral = lua_numeral(token.text);
            if (!numeral && token.text.size() > 1 && token.text.back() == 'i' &&
                lua_numeral(token.text.substr(0, token.text.size() - 1))) {
                unsupported("an integer literal ('" + std::string(token.text.substr(0, 40)) + "')");
            }
            if (!numeral) error_near("malformed number");
            emit_token_as(*numeral);
            break;
        }
        case TokenKind::String: emit_string(); break;
        case TokenKind::InterpSimple: emit_token_as(lua_string_from_interpolated(token.text)); break;
        case TokenKind::InterpBegin: interpolated_string(); break;
        case TokenKind::Attribute:  // @native function() ... end
            skip_attributes();
            if (!is_keyword("function")) error_near("'function' expected after an attribute");
            emit_token();
            function_body();
            break;
        case TokenKind::Symbol:
            if (token.text == "...") {
                emit_token();
                multiple = true;
            } else if (token.text == "{") {
                table_constructor();
            } else {
                multiple = suffixed_expression().form == Form::Call;
            }
            break;
        case TokenKind::Name:
            if (token.text == "nil" || token.text == "true" || token.text == "false") {
                emit_token();
            } else if (token.text == "function") {
                emit_token();
                function_body();
            } else if (token.text == "if") {
                if_expression();
            } else {
                multiple = suffixed_expression().form == Form::Call;
            }
            break;
        default: multiple = suffixed_expression().form == Form::Call; break;
    }
    // A type assertion, `x :: T`, only informs the type checker; but it
    // makes a call or `...` one value, as parentheses do.
    while (is_symbol("::")) {
        advance();
        skip_type();
        if (multiple) {
            out_.insert(start, " (");
            emit(")");
        }
        multiple = false;
    }
    last_multiple_ = multiple;
}

Parser::Suffixed Parser::suffixed_expression() {
    Nested nested(*this);
    move_to(cur().line);  // its text, reused by compound assignment, holds no line break before it
    Suffixed result;
    result.start = out_.size();
    const std::size_t first_token = pos_;
    if (at_name()) {
        result.form = Form::Name;
        result.name = cur().text;
        emit_name();
    } else if (is_symbol("(")) {
        emit_token();
        expression();
        emit_symbol(")");
    } else {
        error_near("unexpected symbol");
    }
    for (;;) {
        const Token& token = cur();
        const bool plain_object = pos_ == first_token + 1 && is_plain_operand(tokens_[first_token]);
        if (is_symbol(".")) {
            result.object_end = out_.size();
            result.plain_parts = plain_object;
            const Token& field = ahead(1);
            if (field.kind == TokenKind::Name && is_lua_only_keyword(field.text)) {
                // t.goto is t["goto"] in Lua 5.4.
                move_to(token.line);
                advance();
                emit("[");
                result.key_start = out_.size();
                emit_token_as("\"" + std::string(field.text) + "\"");
                result.key_end = out_.size();
                emit("]");
                result.form = Form::Index;
                continue;
            }
            emit_token();
            result.field = cur().text;
            emit_field();
            result.form = Form::Field;
        } else if (is_symbol("[")) {
            result.object_end = out_.size();
            emit_token();
            result.key_start = out_.size();
            const std::size_t key_token = pos_;
            expression();
            result.key_end = out_.size();
            result.plain_parts = plain_object && pos_ == key_token + 1 &&
                                 (is_plain_operand(tokens_[key_token]) || tokens_[key_token].kind == TokenKind::String);
            emit_symbol("]");
            result.form = Form::Index;
        } else if (is_symbol(":") && ahead(1).kind == TokenKind::Name) {
            emit_token();
            if (at_name() && is_lua_only_keyword(cur().text)) unsupported("a method named '" + std::string(cur().text) + "'");
            emit_field();
            call_arguments();
            result.form = Form::Call;
        } else if (is_symbol("(") || is_symbol("{") || token.kind == TokenKind::String) {
            call_arguments();
            result.form = Form::Call;
        } else if (token.kind == TokenKind::InterpSimple || token.kind == TokenKind::InterpBegin) {
            error_near("an interpolated string cannot be a call's argument without parentheses");
        } else {
            break;
        }
    }
    return result;
}

void Parser::call_arguments() {
    if (cur().kind == TokenKind::String) return emit_string();
    if (is_symbol("{")) return table_constructor();
    emit_symbol("(");
    if (!is_symbol(")")) expression_list();
    emit_symbol(")");
}

void Parser::table_constructor() {
    Nested nested(*this);
    emit_symbol("{");
    while (!is_symbol("}")) {
        if (is_symbol("[")) {
            emit_token();
            expression();
            emit_symbol("]");
            emit_symbol("=");
            expression();
        } else if (cur().kind == TokenKind::Name && !is_reserved(cur().text) && is_symbol_at(ahead(1), "=")) {
            if (is_lua_only_keyword(cur().text)) {
                emit_token_as("[\"" + std::string(cur().text) + "\"]");
            } else {
                emit_token();
            }
            emit_token();
            expression();
        } else {
            expression();
        }
        if (!is_symbol(",") && !is_symbol(";")) break;
        emit_token();
    }
    emit_symbol("}");
}

// `if c then a elseif d then b else e` evaluates only the branch it picks:
// `(c and a or d and b or e)` does that when every picked value is truthy,
// which a literal string, number or `true` is; otherwise each is boxed,
// `(c and {a} or d and {b} or {e})[1]`.
void Parser::if_expression() {
    move_to(cur().line);
    emit("(");
    advance();
    struct Branch {
        std::size_t begin, end;
    };
    std::vector<Branch> branches;
    bool all_truthy = true;
    auto branch = [&] {
        std::size_t first = pos_;
        std::size_t begin = out_.size();
        expression();
        const Token& only = tokens_[first];
        bool literal = pos_ == first + 1 && (only.kind == TokenKind::Number || only.kind == TokenKind::String ||
                                             only.kind == TokenKind::InterpSimple || only.text == "true");
        branches.push_back({begin, out_.size()});
        return literal;
    };
    emit("(");
    expression();
    emit(")");
    move_to(cur().line);
    expect_keyword("then");
    emit("and");
    all_truthy &= branch();
    while (is_keyword("elseif")) {
        move_to(cur().line);
        advance();
        emit("or (");
        expression();
        emit(")");
        expect_keyword("then");
        emit("and");
        all_truthy &= branch();
    }
    if (!is_keyword("else")) error_near("'else' expected (an if-expression needs an else branch)");
    move_to(cur().line);
    advance();
    emit("or");
    branch();
    if (all_truthy) {
        emit(")");
        return;
    }
    // Rebuilt in one pass: inserting the braces one branch at a time would
    // copy the rest of the expression per branch, quadratic in the elseifs.
    std::string boxed;
    boxed.reserve(out_.size() - branches.front().begin + 4 * branches.size());
    std::size_t copied = branches.front().begin;
    for (const Branch& b : branches) {
        boxed.append(out_, copied, b.begin - copied).append(" {").append(out_, b.begin, b.end - b.begin).append(" }");
        copied = b.end;
    }
    boxed.append(out_, copied);
    out_.resize(branches.front().begin);
    out_.append(boxed);
    emit(")[1]");
}

// A quoted string as Lua 5.4 reads it: Luau reads a backslash before a
// character that is no escape as that character (`"\q"` is `"q"`), where
// Lua refuses it; other escapes mean the same in both.
void Parser::emit_string() {
    std::string_view text = cur().text;
    if (text.empty() || text.front() == '[' || text.find('\\') == std::string_view::npos) return emit_token();
    std::string literal;
    literal.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
            if (is_lua_escape(text[i + 1])) literal.push_back('\\');
            literal.push_back(text[++i]);
        } else {
            literal.push_back(text[i]);
        }
    }
    emit_token_as(literal);
}

std::string Parser::lua_string_from_interpolated(std::string_view segment) {
    std::string literal = "\"";
    for (std::size_t i = 0; i < segment.size(); ++i) {
        char c = segment[i];
        if (c == '\\' && i + 1 < segment.size()) {
            char next = segment[i + 1];
            if (!is_lua_escape(next)) {
                literal.push_back(next);  // `\{`, `\``, and Luau's other escapes of a plain character
            } else {
                literal.push_back(c);
                literal.push_back(next);
            }
            ++i;
        } else if (c == '"') {
            literal += "\\\"";
        } else {
            literal.push_back(c);
        }
    }
    literal.push_back('"');
    return literal;
}

// `a{x}b{y}c` -> __luau_interp("a", (x), "b", (y), "c").
void Parser::interpolated_string() {
    move_to(cur().line);
    emit("__luau_interp(");
    bool first = true;
    auto literal = [&] {
        if (!cur().text.empty()) {
            // Appended, not `"," + literal`: g++ 12 with link-time
            // optimization warns (-Wstringop-overflow) about the memcpy in
            // prepending to a std::string, a false positive.
            std::string text = first ? "" : ",";
            text += lua_string_from_interpolated(cur().text);
            emit_token_as(text);
            first = false;
        } else {
            line_ += cur().newlines;
            advance();
        }
    };
    literal();
    for (;;) {
        emit(first ? "(" : ",(");
        first = false;
        expression();
        emit(")");
        if (cur().kind == TokenKind::InterpMid) {
            literal();
            continue;
        }
        if (cur().kind != TokenKind::InterpEnd) error_near("'}' expected to close an interpolated string's expression");
        literal();
        break;
    }
    emit(")");
}

LuauTranslation translate_luau(std::string_view source, std::string_view chunkname) {
    LuauTranslation result;
    auto fail = [&](int line, const std::string& message) {
        result.error = std::string(chunkname) + ":" + std::to_string(line) + ": " + message;
    };
    LexResult lexed = lex_luau(source);
    if (!lexed.error.empty()) {
        fail(lexed.error_line, lexed.error);
        return result;
    }
    try {
        result.lua = Parser(std::move(lexed.tokens)).translate();
    } catch (const SyntaxError& error) {
        fail(error.line, error.message);
    }
    return result;
}

}  // namespace luaos::luau
