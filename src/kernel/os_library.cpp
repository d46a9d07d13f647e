#include "kernel/os_library.hpp"

#include <cstdint>
#include <limits>
#include <lua.hpp>
#include <string>
#include <string_view>

#include "kernel/api_arguments.hpp"
#include "kernel/command_line.hpp"
#include "kernel/fs_library.hpp"
#include "kernel/kernel_access.hpp"
#include "kernel/message_copy.hpp"
#include "kernel/os_bookkeeping.hpp"
#include "kernel/process_api_state.hpp"
#include "kernel/process_files.hpp"
#include "kernel/process_wait.hpp"
#include "kernel/process_random.hpp"
#include "kernel/shared_kernel.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/cpu_budget.hpp"
#include "runtime/doom.hpp"
#include "runtime/error_text.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/readonly.hpp"
#include "runtime/sandbox.hpp"

// Lua errors are longjmps: no function here holds a C++ object with a
// destructor across a call that may raise one. Where C++ strings are needed
// (spawn arguments, messages), they live in a block that raises nothing, and
// errors are raised after it.

namespace luaos {
namespace {

const char kInstalledKey = 0;  // registry: set once the API is installed

Process& caller(lua_State* L) {
    Process* process = current_process(Runtime::of(L));
    if (process == nullptr) luaL_error(L, "the process API works only inside a process");
    return *process;
}

Pid check_pid(lua_State* L, const char* function, int arg) {
    const lua_Integer pid = api_check_integer(L, function, arg);
    api_check(L, pid > 0 && pid <= std::numeric_limits<Pid>::max(), function, arg, "not a process id");
    return static_cast<Pid>(pid);
}

int fail(lua_State* L, const char* why) {
    luaL_pushfail(L);
    lua_pushstring(L, why);
    return 2;
}

// true, or nil and why; `full` names what was full ("stdin full", "mailbox full").
int delivered(lua_State* L, Delivery delivery, const char* full = "full") {
    if (delivery == Delivery::Delivered) {
        lua_pushboolean(L, 1);
        return 1;
    }
    return fail(L, delivery == Delivery::Full ? full : delivery_name(delivery));
}

// --- giving up the CPU -------------------------------------------------------
//
// A call that must wait records why in the process's ProcessApiState and yields as
// the count hook does (the preempting flag), so that the yield passes through
// the script's own coroutines up to the scheduler (runtime/coroutines.cpp).
// The scheduler then sets the process aside (Os::park) until its event. The
// call's continuation runs when the process is resumed.
//
// If a resumer behind a C call boundary cannot pass the yield up, the
// coroutine is resumed at once and the continuation finds the request never
// reached the scheduler: that is an error, rather than a busy wait.

}  // namespace

int give_up(lua_State* L, Process& self, BlockReason reason, lua_KFunction k, const char* what) {
    if (!lua_isyieldable(L)) {
        return luaL_error(L, "%s cannot wait here: it is called from a metamethod, iterator or callback that "
                             "cannot yield", what);
    }
    ProcessApiState& io = KernelAccess::ensure_api_state(self);
    io.block = reason;
    io.timed_out = false;
    KernelAccess::task(self).set_preempting(true);
    return lua_yieldk(L, 0, 0, k);
}

// In a continuation: false, with the request withdrawn, if it never reached the scheduler.
bool reached_scheduler(Process& self) {
    ProcessApiState& io = KernelAccess::ensure_api_state(self);
    if (io.block == BlockReason::None) return true;
    io.block = BlockReason::None;
    return false;
}

int not_reached(lua_State* L, const char* what) {
    return luaL_error(L, "%s cannot wait inside a coroutine resumed from a metamethod, iterator or callback", what);
}

std::uint64_t tick_after(const Os& os, lua_Integer ticks) {
    const std::uint64_t now = os.ticks();
    const auto wait = static_cast<std::uint64_t>(ticks);
    return wait > std::numeric_limits<std::uint64_t>::max() - 1 - now ? std::numeric_limits<std::uint64_t>::max() - 1
                                                                      : now + wait;
}

namespace {

int yield_done(lua_State* L, int, lua_KContext) {
    reached_scheduler(caller(L));  // a yield that could not reach it was only a no-op
    return 0;
}

int os_yield(lua_State* L) {
    Process& self = caller(L);
    if (!lua_isyieldable(L)) return 0;
    KernelAccess::ensure_api_state(self).block = BlockReason::Yield;
    KernelAccess::task(self).set_preempting(true);
    return lua_yieldk(L, 0, 0, yield_done);
}

int sleep_done(lua_State* L, int, lua_KContext) {
    if (!reached_scheduler(caller(L))) return not_reached(L, "os.sleep");
    return 0;
}

int os_sleep(lua_State* L) {
    Process& self = caller(L);
    const lua_Integer ticks = api_check_integer(L, "os.sleep", 1);
    api_check(L, ticks >= 0, "os.sleep", 1, "ticks must not be negative");
    if (ticks == 0) return os_yield(L);
    KernelAccess::ensure_api_state(self).wake_tick = tick_after(self.os(), ticks);
    return give_up(L, self, BlockReason::Sleep, sleep_done, "os.sleep");
}

// --- identity, programs, status ---------------------------------------------

int os_getpid(lua_State* L) {
    lua_pushinteger(L, caller(L).pid());
    return 1;
}

int os_getppid(lua_State* L) {
    lua_pushinteger(L, caller(L).parent());
    return 1;
}

// Checks the arguments table at `arg` and pushes each argument as a string;
// returns how many were pushed.
int push_spawn_args(lua_State* L, const char* function, int arg, const ProcessLimits& limits) {
    if (lua_isnoneornil(L, arg)) return 0;
    api_check_type(L, function, arg, LUA_TTABLE);
    const lua_Unsigned count = lua_rawlen(L, arg);
    if (count > limits.spawn_args) {
        return luaL_error(L, "too many arguments to spawn (%d, the limit is %d)", static_cast<int>(count),
                          static_cast<int>(limits.spawn_args));
    }
    luaL_checkstack(L, static_cast<int>(count), "too many arguments to spawn");
    std::size_t bytes = 0;
    for (lua_Unsigned i = 1; i <= count; ++i) {
        const int type = lua_rawgeti(L, arg, static_cast<lua_Integer>(i));
        if (type != LUA_TSTRING && type != LUA_TNUMBER) {
            return luaL_error(L, "spawn argument %d is a %s (arguments are strings or numbers)", static_cast<int>(i),
                              lua_typename(L, type));
        }
        luau_float_as_text(L, -1);  // in a Luau process, as Luau writes them
        std::size_t len = 0;
        lua_tolstring(L, -1, &len);  // numbers become strings, on the stack only
        bytes += len;
        if (bytes > limits.spawn_arg_bytes) {
            return luaL_error(L, "spawn arguments too large (more than %d bytes)", static_cast<int>(limits.spawn_arg_bytes));
        }
    }
    return static_cast<int>(count);
}

// The spawn options table at `arg` ({stdout = "parent" | "pipe"}), or nil.
ChildOutput check_spawn_output(lua_State* L, int arg, const char* what) {
    if (lua_isnoneornil(L, arg)) return ChildOutput::Parent;
    api_check_type(L, what, arg, LUA_TTABLE);
    lua_pushliteral(L, "stdout");
    lua_rawget(L, arg);
    const char* mode = lua_tostring(L, -1);
    ChildOutput output = ChildOutput::Parent;
    if (mode != nullptr && std::string_view(mode) == "pipe") {
        output = ChildOutput::Pipe;
    } else if (!lua_isnil(L, -1) && !(mode != nullptr && std::string_view(mode) == "parent")) {
        return static_cast<ChildOutput>(luaL_error(L, "%s: stdout must be 'parent' or 'pipe'", what));
    }
    lua_pop(L, 1);
    return output;
}

bool is_luau_path(std::string_view path) { return path.ends_with(".luau"); }

// Spawns `code` (or the program) as a child of the caller with the `nargs`
// strings on top of the stack; pushes the PID, or nil and the compile error
// (no process is made then). Code read from a file has its path at
// `path_index` (else 0).
int spawn_child(lua_State* L, Process& self, const Program* program, int code_index, int nargs, ChildOutput output,
                int path_index = 0) {
    Os& os = self.os();
    const Pid self_pid = self.pid();
    Pid pid = 0;
    char error[kMaxErrorBytes + 64];  // the error, copied out of the C++ string (capped by error_text)
    std::size_t error_length = 0;
    {  // raises nothing
        SpawnOptions options;
        options.parent = self_pid;
        options.output = output;
        options.set_arg = true;
        options.process_on_compile_error = false;
        options.args.reserve(static_cast<std::size_t>(nargs));
        for (int i = nargs; i >= 1; --i) {
            std::size_t len = 0;
            const char* text = lua_tolstring(L, -i, &len);
            options.args.emplace_back(text, len);
        }
        SpawnResult result;
        if (program != nullptr) {
            options.dialect = program->dialect;
            result = os.spawn_process(program->code, program->chunk_name.empty() ? program->name : program->chunk_name,
                                      options);
        } else {
            std::size_t len = 0;
            const char* code = lua_tolstring(L, code_index, &len);
            std::string_view name = "spawn_source";
            options.dialect = self.dialect();  // inline code is in the spawner's own dialect
            if (path_index != 0) {
                std::size_t name_len = 0;
                const char* path = lua_tolstring(L, path_index, &name_len);
                name = {path, name_len};
                options.dialect = is_luau_path(name) ? Dialect::Luau : Dialect::Lua;
            }
            result = os.spawn_process({code, len}, name, options);
        }
        pid = result.pid;
        error_length = result.error.copy(error, sizeof error);
        if (Process* child = error_length == 0 ? os.find(pid) : nullptr) process_files_inherit(self, *child);
    }
    if (error_length == 0) {
        lua_pushinteger(L, pid);
        return 1;
    }
    luaL_pushfail(L);
    lua_pushlstring(L, error, error_length);
    return 2;
}

void check_process_limit(lua_State* L, const Os& os, const char* what) {
    const std::uint32_t limit = SharedKernel::of(os.runtime()).options.process_limits.max_processes;
    if (os.live_processes() >= limit) {
        luaL_error(L, "%s: the VM's limit of %d processes is reached", what, static_cast<int>(limit));
    }
}

int os_spawn(lua_State* L) {
    Process& self = caller(L);
    luau_float_as_text(L, 1);
    api_check_string(L, "os.spawn", 1);
    lua_settop(L, 3);
    const ChildOutput output = check_spawn_output(L, 3, "os.spawn");
    Os& os = self.os();
    const Program* program = nullptr;
    {
        std::size_t len = 0;
        const char* name = lua_tolstring(L, 1, &len);
        std::shared_ptr<const Program> found = os.find_program({name, len});
        program = found.get();  // the Os keeps it installed for the rest of this call
    }
    if (program == nullptr) {
        if (!fs_push_program_file(L, 1)) {  // 4: its code, 5: its path
            luaL_pushfail(L);
            lua_pushfstring(L, "no program named '%s'", lua_tostring(L, 1));
            return 2;
        }
        check_process_limit(L, os, "os.spawn");
        if (!cpu_budget_charge(L, lua_rawlen(L, 4))) return luaL_error(L, "os.spawn: program too large to compile");
        const int nargs = push_spawn_args(L, "os.spawn", 2, SharedKernel::of(os.runtime()).options.process_limits);
        return spawn_child(L, self, nullptr, 4, nargs, output, 5);
    }
    check_process_limit(L, os, "os.spawn");
    if (!cpu_budget_charge(L, program->code.size())) return luaL_error(L, "os.spawn: program too large to compile");
    const int nargs = push_spawn_args(L, "os.spawn", 2, SharedKernel::of(os.runtime()).options.process_limits);
    return spawn_child(L, self, program, 0, nargs, output);
}

int os_spawn_source(lua_State* L) {
    Process& self = caller(L);
    std::size_t len = 0;
    api_check_string(L, "os.spawn_source", 1, &len);
    lua_settop(L, 3);
    const ChildOutput output = check_spawn_output(L, 3, "os.spawn_source");
    check_process_limit(L, self.os(), "os.spawn_source");
    if (!cpu_budget_charge(L, len)) return luaL_error(L, "os.spawn_source: chunk too large to compile");
    const int nargs = push_spawn_args(L, "os.spawn_source", 2, SharedKernel::of(self.os().runtime()).options.process_limits);
    return spawn_child(L, self, nullptr, 1, nargs, output);
}

int os_status(lua_State* L) {
    Process& self = caller(L);
    lua_pushstring(L, state_name(self.os().state(check_pid(L, "os.status", 1))));
    return 1;
}

int wait_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "os.wait");
    lua_pushinteger(L, KernelAccess::api_state(self)->wait_result);
    return 1;
}

int os_wait(lua_State* L) {
    Process& self = caller(L);
    const Pid pid = check_pid(L, "os.wait", 1);
    if (pid == self.pid()) return luaL_error(L, "os.wait: a process cannot wait for itself");
    Os& os = self.os();
    if (std::optional<int> code = os.exit_code(pid)) {
        lua_pushinteger(L, *code);
        return 1;
    }
    if (live_process(os, pid) == nullptr) return fail(L, "no such process");
    KernelAccess::ensure_api_state(self).wait_target = pid;
    return give_up(L, self, BlockReason::Wait, wait_done, "os.wait");
}

int os_kill(lua_State* L) {
    Process& self = caller(L);
    const Pid pid = check_pid(L, "os.kill", 1);
    if (pid == self.pid()) {
        KernelAccess::doom(self, ProcessStatus::Killed, "killed by itself");
        return doom_enforce(L, KernelAccess::task(self));
    }
    Os& os = self.os();
    if (live_process(os, pid) == nullptr) return fail(L, "no such process");
    lua_pushfstring(L, "killed by process %d", static_cast<int>(self.pid()));
    {
        const char* reason = lua_tostring(L, -1);
        os.kill(pid, reason);
    }
    lua_pushboolean(L, 1);
    return 1;
}

// os.exit([code]): ends the calling process only, at once, as finished with
// `code` (true: 0, false: 1). Like a limit's doom, it cannot be caught.
int os_exit(lua_State* L) {
    Process& self = caller(L);
    int code = 0;
    if (lua_isboolean(L, 1)) {
        code = lua_toboolean(L, 1) ? 0 : 1;
    } else {
        const lua_Integer value = api_optional_integer(L, "os.exit", 1, 0);
        api_check(L, value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max(), "os.exit",
                  1, "exit code out of range");
        code = static_cast<int>(value);
    }
    KernelAccess::ensure_api_state(self).exit_code = code;
    KernelAccess::doom(self, ProcessStatus::Finished, "the process exited (os.exit)");
    return doom_enforce(L, KernelAccess::task(self));
}

// --- stdin and stdout -------------------------------------------------------

int os_write_stdin(lua_State* L) {
    Process& self = caller(L);
    const Pid pid = check_pid(L, "os.write_stdin", 1);
    luau_float_as_text(L, 2);
    std::size_t len = 0;
    const char* line = api_check_string(L, "os.write_stdin", 2, &len);
    const std::size_t limit = SharedKernel::of(self.os().runtime()).options.process_limits.stdin_bytes;
    if (len > limit) return luaL_error(L, "os.write_stdin: line too long (the limit is %d bytes)", static_cast<int>(limit));
    return delivered(L, self.os().write_stdin(pid, {line, len}), "stdin full");
}

int os_close_stdin(lua_State* L) {
    Process& self = caller(L);
    return delivered(L, self.os().close_stdin(check_pid(L, "os.close_stdin", 1)));
}

// What os.read_stdout took, kept outside the Lua call's C++ frame while it
// is pushed (pushing may raise).
std::string& read_stdout_scratch() {
    thread_local std::string text;
    return text;
}

// os.read_stdout(pid): takes what pid printed and nobody took, also after
// it ended (as long as its exit is remembered).
int os_read_stdout(lua_State* L) {
    Process& self = caller(L);
    const Pid pid = check_pid(L, "os.read_stdout", 1);
    bool found = false;
    {  // raises nothing; the text waits in the scratch string below
        std::optional<std::string> taken = self.os().read_stdout(pid);
        found = taken.has_value();
        if (found) read_stdout_scratch().swap(*taken);
    }
    if (!found) return fail(L, "no such process");
    std::string& text = read_stdout_scratch();
    lua_pushlstring(L, text.data(), text.size());  // may raise: the text is then lost with the process's own error
    text.clear();
    return 1;
}

enum ReadFormat : lua_KContext { kLine = 0, kLineWithNewline = 1 };

// Pushes the next line of stdin, or nil at its end; false if it must wait.
bool try_read(lua_State* L, Process& self, lua_KContext format) {
    ProcessApiState& io = KernelAccess::ensure_api_state(self);
    if (io.has_stdin()) {
        ProcessBuffers& buffers = *io.buffers;
        std::string& line = buffers.stdin_lines.front();
        lua_pushlstring(L, line.data(), line.size());
        if (format == kLineWithNewline) {
            lua_pushliteral(L, "\n");
            lua_concat(L, 2);
        }
        buffers.stdin_bytes -= line.size();
        buffers.stdin_lines.pop();
        return true;
    }
    if (io.stdin_closed) {
        lua_pushnil(L);
        return true;
    }
    return false;
}

int read_done(lua_State* L, int, lua_KContext format) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "io.read");
    if (try_read(L, self, format)) return 1;
    return give_up(L, self, BlockReason::Read, read_done, "io.read");
}

// io.read(["l" | "L"]): the next line written to this process's stdin,
// without ("l") or with ("L") a newline; waits for one; nil once stdin is closed.
int io_read(lua_State* L) {
    Process& self = caller(L);
    const char* format = api_optional_string(L, "io.read", 1, "l");
    if (*format == '*') ++format;  // Lua 5.1's "*l"
    lua_KContext kind = kLine;
    if (format[0] == 'L' && format[1] == '\0') {
        kind = kLineWithNewline;
    } else if (!(format[0] == 'l' && format[1] == '\0')) {
        api_argument_error(L, "io.read", 1, "invalid format (luaos's stdin reads lines: 'l' or 'L')");
    }
    lua_settop(L, 0);
    if (try_read(L, self, kind)) return 1;
    return give_up(L, self, BlockReason::Read, read_done, "io.read");
}

// io.write(...): strings and numbers to this process's stdout, as print
// without separators or newline.
int io_write(lua_State* L) {
    Process& self = caller(L);
    const int n = lua_gettop(L);
    luau_floats_as_text(L, 1, n);  // a Luau process's numbers as Luau writes them
    luaL_Buffer text;
    luaL_buffinit(L, &text);
    for (int i = 1; i <= n; ++i) {
        api_check_string(L, "io.write", i);
        lua_pushvalue(L, i);
        luaL_addvalue(&text);
    }
    luaL_pushresult(&text);
    std::size_t len = 0;
    const char* data = lua_tolstring(L, -1, &len);
    KernelAccess::write_output(self, {data, len});
    return 0;
}

// --- messages ---------------------------------------------------------------

// Sets the caller aside until the mailbox of `to` has room for its pending
// message (or its timer, if `wake_tick` is not 0).
int wait_for_room(lua_State* L, Process& self, lua_KFunction k) {
    Process* target = live_process(self.os(), KernelAccess::api_state(self)->sending->to);
    if (target != nullptr) KernelAccess::ensure_api_state(*target).ensure_buffers().blocked_senders.push_back(self.pid());
    lua_settop(L, 0);
    return give_up(L, self, BlockReason::Send, k, "os.send");
}

int send_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    ProcessApiState& io = *KernelAccess::api_state(self);
    if (!reached_scheduler(self)) {
        io.sending.reset();
        return not_reached(L, "os.send");
    }
    const Delivery delivery = deliver_message(self.os(), io.sending->to, self.pid(), io.sending->bytes);
    if (delivery == Delivery::Full && !io.timed_out) return wait_for_room(L, self, send_done);
    io.sending.reset();
    return delivered(L, delivery, "mailbox full");
}

// os.send(pid, value [, timeout]): copies `value` into pid's mailbox; when it
// is full, waits for room, at most `timeout` ticks (0: not at all).
int os_send(lua_State* L) {
    Process& self = caller(L);
    const Pid pid = check_pid(L, "os.send", 1);
    api_check_any(L, "os.send", 2);
    const bool has_timeout = !lua_isnoneornil(L, 3);
    const lua_Integer timeout = has_timeout ? api_check_integer(L, "os.send", 3) : 0;
    api_check(L, timeout >= 0, "os.send", 3, "timeout must not be negative");
    const ProcessLimits& limits = SharedKernel::of(self.os().runtime()).options.process_limits;
    // A full mailbox is waited for where the caller can yield, unless it is
    // its own (nobody else empties it) or the timeout is 0.
    const bool may_wait = lua_isyieldable(L) && pid != self.pid() && !(has_timeout && timeout == 0);
    EncodeError error = EncodeError::None;
    int bad_type = LUA_TNONE;
    Delivery delivery = Delivery::NotFound;
    bool within_budget = true;
    {  // raises nothing
        std::string bytes;
        error = message_encode(L, 2, limits.mailbox_bytes, limits.message_depth, bytes, bad_type);
        if (error == EncodeError::None) within_budget = cpu_budget_charge(L, bytes.size());
        if (error == EncodeError::None && within_budget) {
            delivery = deliver_message(self.os(), pid, self.pid(), bytes);
            if (delivery == Delivery::Full && may_wait) {
                ProcessApiState& io = KernelAccess::ensure_api_state(self);
                io.sending = std::make_unique<PendingSend>(PendingSend{pid, std::move(bytes)});
                io.wake_tick = has_timeout ? tick_after(self.os(), timeout) : 0;
            }
        }
    }
    if (error == EncodeError::Type) {
        return luaL_error(L, "os.send: cannot send a %s (send nil, booleans, numbers, strings and tables of those)",
                          lua_typename(L, bad_type));
    }
    if (error == EncodeError::Size) {
        return luaL_error(L, "os.send: message too large (the limit is %d bytes)", static_cast<int>(limits.mailbox_bytes));
    }
    if (error == EncodeError::Depth) {
        return luaL_error(L, "os.send: message tables nested too deeply (the limit is %d)",
                          static_cast<int>(limits.message_depth));
    }
    if (error != EncodeError::None) return luaL_error(L, "os.send: %s", encode_error_text(error));
    if (!within_budget) return luaL_error(L, "os.send: message too large to copy");
    if (delivery == Delivery::Full && may_wait) return wait_for_room(L, self, send_done);
    return delivered(L, delivery, "mailbox full");
}

// Pushes the next message and its sender; false if the mailbox is empty.
bool try_receive(lua_State* L, Process& self) {
    ProcessApiState& io = KernelAccess::ensure_api_state(self);
    if (!io.has_mail()) return false;
    ProcessBuffers& buffers = *io.buffers;
    Message& message = buffers.mailbox.front();
    message_push(L, message.bytes);  // may raise (memory): the message then stays
    lua_pushinteger(L, message.from);
    buffers.mailbox_bytes -= message.bytes.size();
    buffers.mailbox.pop();
    if (!buffers.blocked_senders.empty()) wake_blocked_senders(self.os(), buffers);
    return true;
}

int receive_done(lua_State* L, int, lua_KContext) {
    Process& self = caller(L);
    if (!reached_scheduler(self)) return not_reached(L, "os.receive");
    if (try_receive(L, self)) return 2;
    if (KernelAccess::api_state(self)->timed_out) return 0;
    return give_up(L, self, BlockReason::Receive, receive_done, "os.receive");
}

// os.receive([timeout_ticks]) -> value, sender (0: the host); nothing once
// the timeout passed. Without a timeout it waits for as long as it takes; 0 polls.
int os_receive(lua_State* L) {
    Process& self = caller(L);
    const bool has_timeout = !lua_isnoneornil(L, 1);
    const lua_Integer timeout = has_timeout ? api_check_integer(L, "os.receive", 1) : 0;
    api_check(L, timeout >= 0, "os.receive", 1, "timeout must not be negative");
    lua_settop(L, 0);
    if (try_receive(L, self)) return 2;
    if (has_timeout && timeout == 0) return 0;
    KernelAccess::ensure_api_state(self).wake_tick = has_timeout ? tick_after(self.os(), timeout) : 0;
    return give_up(L, self, BlockReason::Receive, receive_done, "os.receive");
}

int os_parse_cmd(lua_State* L) {
    caller(L);
    return command_line_parse(L);
}

const luaL_Reg kOsFunctions[] = {
    {"getpid", os_getpid},           {"getppid", os_getppid},       {"spawn", os_spawn},
    {"spawn_source", os_spawn_source}, {"status", os_status},       {"wait", os_wait},
    {"kill", os_kill},               {"exit", os_exit},             {"sleep", os_sleep},
    {"yield", os_yield},             {"write_stdin", os_write_stdin}, {"close_stdin", os_close_stdin},
    {"read_stdout", os_read_stdout}, {"send", os_send},             {"receive", os_receive},
    {"parse_cmd", os_parse_cmd},     {"chdir", os_chdir},           {"getcwd", os_getcwd},
    {nullptr, nullptr},
};

const luaL_Reg kIoFunctions[] = {{"read", io_read}, {"write", io_write}, {nullptr, nullptr}};

// Runs under lua_pcall. Lua's and Luau's libraries share the os view (Luau's
// is built from Lua's); each gets the io view.
int install(lua_State* L) {
    sandbox_push_library(L, Dialect::Lua);  // 1
    // The scripts' os table is a read-only view; its __index is the table behind it.
    lua_getfield(L, 1, "os");
    lua_getmetatable(L, -1);
    lua_getfield(L, -1, "__index");  // 1 library, 2 view, 3 metatable, 4 os
    luaL_setfuncs(L, kOsFunctions, 0);
    lua_settop(L, 1);
    luaL_newlib(L, kIoFunctions);
    fs_library_add_io(L);
    readonly_push_view(L, -1);  // 1 library, 2 io, 3 view
    lua_pushvalue(L, 3);
    lua_setfield(L, 1, "io");
    sandbox_push_library(L, Dialect::Luau);  // 4
    lua_pushvalue(L, 3);
    lua_setfield(L, 4, "io");
    fs_library_install(L);
    lua_pushboolean(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kInstalledKey);
    // Normally the very view Lua's library has; set through it all the same.
    lua_getfield(L, 4, "os");
    if (lua_getmetatable(L, -1) != 0 && lua_getfield(L, -1, "__index") == LUA_TTABLE) luaL_setfuncs(L, kOsFunctions, 0);
    process_random_install(L);
    return 0;
}

}  // namespace

void os_library_ensure_installed(lua_State* L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kInstalledKey) != LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, install);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) lua_pop(L, 1);  // out of memory: Os construction goes on without the API
}

}  // namespace luaos
