#pragma once
// os.parse_cmd: a player's command line, split the way a shell would.

struct lua_State;

namespace luaos {

// os.parse_cmd(line) -> {program = word1, args = {word2, ...}} or nil, message.
// Words are separated by blanks; '...' is literal; "..." is literal except for
// \" and \\; outside quotes, \ escapes the next character. An argument of the
// form key=value (key: letters, digits, _) is also set as args[key] = value.
int command_line_parse(lua_State* L);

}  // namespace luaos
