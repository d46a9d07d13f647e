#include "kernel/host_functions/host_call.hpp"

#include <lua.hpp>

#include "kernel/process_wait.hpp"
#include "kernel/host_functions/async_call_state.hpp"
#include "kernel/host_functions/host_value_copy.hpp"
#include "kernel/kernel_access.hpp"
#include "kernel/os_bookkeeping.hpp"
#include "kernel/shared_kernel.hpp"
#include "kernel/process_api_state.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "runtime/cpu_budget.hpp"

// Lua errors are longjmps: no function here holds a C++ object with a
// destructor across a call that may raise one. What must outlive such a
// block (arguments, results, an exception's text) lives in the runtime's
// scratch (kernel/host_functions/host_call_scratch.hpp), and errors are
// raised after the block.

namespace luaos {
namespace {

// Upvalue 1: the function (a light userdata: its library is kept alive by
// whoever installed it, for as long as its runtime or Os lives).
const HostLibrary::Function& called(lua_State* L) {
    return *static_cast<const HostLibrary::Function*>(lua_touserdata(L, lua_upvalueindex(1)));
}

int raise_outside_process(lua_State* L, const HostLibrary::Function& function) {
    return luaL_error(L, "%s works only inside a process", function.qualified_name.c_str());
}

Process& caller(lua_State* L, const HostLibrary::Function& function) {
    Process* process = current_process(Runtime::of(L));
    if (process == nullptr) raise_outside_process(L, function);
    return *process;
}

int push_results(lua_State* L, const std::vector<HostValue>& results) {
    const int count = static_cast<int>(results.size());
    // Lua gives a C function LUA_MINSTACK free slots, and the stack is as
    // the call found it.
    if (count > LUA_MINSTACK) luaL_checkstack(L, count, "too many results from a host function");
    for (const HostValue& result : results) host_value_push(L, result);
    return count;
}

// Argument copies larger than this are charged to the slice's CPU budget.
constexpr std::size_t kChargedCopyBytes = 1024;

enum class Outcome : std::uint8_t { Called, BadArguments, OverBudget, Threw, NoInbox, TooMany };

// Copies the arguments and charges them to the slice; raises nothing.
// Inline: the immediate call's own code reads its numbers.
[[gnu::always_inline]] inline Outcome read_arguments(lua_State* L, const ProcessLimits& limits,
                                                     std::vector<HostValue>& args, HostCallScratch& s,
                                                     EncodeError& error, int& bad_type, int& bad_index) {
    std::size_t bytes = 0;
    error = host_values_read(L, 1, limits, args, s.encoded, bytes, bad_type, bad_index);
    if (error != EncodeError::None) return Outcome::BadArguments;
    // Only large copies are charged: the budget adds up over a slice, and a
    // loop of small calls, which Lua may preempt between any two, must not
    // add up to a kill in a long slice.
    if (bytes > kChargedCopyBytes && !cpu_budget_charge(L, bytes)) return Outcome::OverBudget;
    return Outcome::Called;
}

// Raises the error an outcome other than Called stands for.
int raise(lua_State* L, const HostLibrary::Function& function, Outcome outcome, EncodeError error, int bad_type,
          int bad_index, const ProcessLimits& limits, const HostCallScratch& s) {
    const char* name = function.qualified_name.c_str();
    switch (outcome) {
        case Outcome::Called: break;
        case Outcome::BadArguments: return host_values_raise(L, name, error, bad_type, bad_index, limits);
        case Outcome::OverBudget: return luaL_error(L, "%s: arguments too large to copy", name);
        case Outcome::Threw: return luaL_error(L, "%s: %s", name, s.error.c_str());
        case Outcome::NoInbox:
            return luaL_error(L, "%s: asynchronous host functions need a Cluster to deliver their results", name);
        case Outcome::TooMany:
            return luaL_error(L, "%s: too many host calls outstanding in this VM (the limit is %d)", name,
                              static_cast<int>(limits.host_calls));
    }
    return 0;
}

// Runs the host's function; an exception's text goes to `error`.
template <typename Call>
Outcome call_host(std::string& error, Call&& call) {
    try {
        call();
        return Outcome::Called;
    } catch (const std::exception& thrown) {
        error = thrown.what();
    } catch (...) {
        error = "the host function threw an exception that is not a std::exception";
    }
    return Outcome::Threw;
}

int call_immediate(lua_State* L) {
    const HostLibrary::Function& function = called(L);
    Runtime& runtime = Runtime::of(L);
    Process* self = current_process(runtime);
    if (self == nullptr) [[unlikely]] return raise_outside_process(L, function);
    SharedKernel& kernel = SharedKernel::of(runtime);
    const ProcessLimits& limits = kernel.options.process_limits;
    HostCallScratch& s = kernel.host_call_scratch;
    EncodeError error = EncodeError::None;
    int bad_type = LUA_TNONE;
    int bad_index = 0;
    Outcome outcome = read_arguments(L, limits, s.args, s, error, bad_type, bad_index);
    if (outcome == Outcome::Called) [[likely]] {
        s.results.clear();
        outcome = call_host(s.error, [&] {
            HostCall call(*self, s.args, s.results);
            function.immediate(call);
        });
    }
    if (outcome != Outcome::Called) [[unlikely]] {
        return raise(L, function, outcome, error, bad_type, bad_index, limits, s);
    }
    return push_results(L, s.results);
}

// The outstanding asynchronous calls of the caller's VM (ProcessLimits::host_calls).
std::shared_ptr<std::atomic<std::uint32_t>>& outstanding_calls(Os& os) {
    std::shared_ptr<std::atomic<std::uint32_t>>& count = KernelAccess::bookkeeping(os).host_calls_outstanding;
    if (!count) count = std::make_shared<std::atomic<std::uint32_t>>(0);
    return count;
}

// Starts the call: raises nothing, and leaves the process's ProcessApiState holding
// the call's state unless the outcome is an error.
Outcome start_async(lua_State* L, const HostLibrary::Function& function, Process& self, const ProcessLimits& limits,
                    EncodeError& error, int& bad_type, int& bad_index) {
    std::shared_ptr<HostCallInbox> inbox = host_call_inbox(L);
    if (!inbox) return Outcome::NoInbox;
    auto& outstanding = outstanding_calls(self.os());
    if (outstanding->load(std::memory_order_relaxed) >= limits.host_calls) return Outcome::TooMany;
    auto state = std::make_shared<AsyncCallState>();
    HostCallScratch& s = SharedKernel::of(self.os().runtime()).host_call_scratch;
    Outcome outcome = read_arguments(L, limits, state->args, s, error, bad_type, bad_index);
    if (outcome != Outcome::Called) return outcome;
    state->function_name = function.qualified_name;
    state->vm = SharedKernel::of(self.os().runtime()).vm_handle_of(self.os());
    state->pid = self.pid();
    state->inbox = std::move(inbox);
    state->outstanding = outstanding;
    state->process = &self;
    outstanding->fetch_add(1, std::memory_order_relaxed);
    ProcessApiState& io = KernelAccess::ensure_api_state(self);
    io.host_call = state;
    outcome = call_host(s.error, [&] { function.async(AsyncCall(std::move(state))); });
    if (outcome != Outcome::Called) host_call_cancel(io.host_call);
    return outcome;
}

// The continuation: the call was delivered (or never reached the scheduler).
int async_done(lua_State* L, int, lua_KContext) {
    const HostLibrary::Function& function = called(L);
    Process& self = caller(L, function);
    HostCallScratch& s = SharedKernel::of(self.os().runtime()).host_call_scratch;
    bool reached = true;
    AsyncCallState::Stage stage = AsyncCallState::Stage::Cancelled;
    {
        reached = reached_scheduler(self);
        std::shared_ptr<AsyncCallState> call = std::move(KernelAccess::api_state(self)->host_call);
        KernelAccess::api_state(self)->host_call.reset();
        if (!reached) {
            host_call_cancel(call);
        } else if (call) {
            std::lock_guard lock(call->mutex);
            stage = call->stage;
            s.results = std::move(call->results);
            s.error = std::move(call->error);
        }
    }
    const char* name = function.qualified_name.c_str();
    if (!reached) return not_reached(L, name);
    if (stage == AsyncCallState::Stage::Failed) return luaL_error(L, "%s: %s", name, s.error.c_str());
    if (stage != AsyncCallState::Stage::Completed) return luaL_error(L, "%s: the call was not completed", name);
    return push_results(L, s.results);
}

int call_async(lua_State* L) {
    const HostLibrary::Function& function = called(L);
    Process& self = caller(L, function);
    const ProcessLimits& limits = SharedKernel::of(self.os().runtime()).options.process_limits;
    if (!lua_isyieldable(L)) {
        return luaL_error(L, "%s cannot wait here: it is called from a metamethod, iterator or callback that cannot yield",
                          function.qualified_name.c_str());
    }
    EncodeError error = EncodeError::None;
    int bad_type = LUA_TNONE;
    int bad_index = 0;
    const Outcome outcome = start_async(L, function, self, limits, error, bad_type, bad_index);
    if (outcome != Outcome::Called) {
        return raise(L, function, outcome, error, bad_type, bad_index, limits,
                     SharedKernel::of(self.os().runtime()).host_call_scratch);
    }
    lua_settop(L, 0);
    return give_up(L, self, BlockReason::HostCall, async_done, function.qualified_name.c_str());
}

}  // namespace

void host_call_push_function(lua_State* L, const HostLibrary::Function& function) {
    lua_pushlightuserdata(L, const_cast<HostLibrary::Function*>(&function));
    lua_pushcclosure(L, function.async ? call_async : call_immediate, 1);
}

}  // namespace luaos
