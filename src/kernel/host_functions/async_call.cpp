#include "kernel/host_functions/async_call_state.hpp"

#include <lua.hpp>

#include "kernel/kernel_access.hpp"
#include "kernel/process_api_state.hpp"
#include "luaos/os.hpp"

namespace luaos {
namespace {

const char kInboxKey = 0;  // registry: a light userdata, the address of the owner's shared_ptr
const HostValue kNil;

}  // namespace

AsyncCall::AsyncCall(std::shared_ptr<AsyncCallState> state) : state_(std::move(state)) {}
AsyncCall::AsyncCall(AsyncCall&&) noexcept = default;

AsyncCall& AsyncCall::operator=(AsyncCall&& other) noexcept {
    if (this != &other) {
        if (state_) fail("the host dropped the call");
        state_ = std::move(other.state_);
    }
    return *this;
}

AsyncCall::~AsyncCall() {
    if (state_) fail("the host dropped the call");
}

VmHandle AsyncCall::vm() const { return state_->vm; }
Pid AsyncCall::pid() const { return state_->pid; }
const std::string& AsyncCall::function() const { return state_->function_name; }
const std::vector<HostValue>& AsyncCall::args() const { return state_->args; }

const HostValue& AsyncCall::arg(std::size_t index) const {
    return index < state_->args.size() ? state_->args[index] : kNil;
}

bool AsyncCall::complete(std::vector<HostValue> results) { return resolve(&results, nullptr); }

bool AsyncCall::fail(std::string error) { return resolve(nullptr, &error); }

bool AsyncCall::cancelled() const {
    std::lock_guard lock(state_->mutex);
    return state_->stage == AsyncCallState::Stage::Cancelled;
}

// The first complete, fail or drop ends the call's outstanding count; only a
// waiting call is posted for delivery.
bool AsyncCall::resolve(std::vector<HostValue>* results, std::string* error) {
    if (!state_) return false;
    AsyncCallState& state = *state_;
    bool post = false;
    {
        std::lock_guard lock(state.mutex);
        if (!state.resolved_by_host) {
            state.resolved_by_host = true;
            state.outstanding->fetch_sub(1, std::memory_order_relaxed);
        }
        if (state.stage == AsyncCallState::Stage::Waiting) {
            if (results != nullptr) {
                state.results = std::move(*results);
                state.stage = AsyncCallState::Stage::Completed;
            } else {
                state.error = std::move(*error);
                state.stage = AsyncCallState::Stage::Failed;
            }
            post = true;
        }
    }
    if (post) state.inbox->post(state_);
    return post;
}

void HostCallInbox::post(std::shared_ptr<AsyncCallState> call) {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    completed_.push_back(std::move(call));
    pending_.store(true, std::memory_order_release);
}

void HostCallInbox::deliver() {
    if (!pending_.load(std::memory_order_acquire)) return;
    std::vector<std::shared_ptr<AsyncCallState>> taken;
    {
        std::lock_guard lock(mutex_);
        taken.swap(completed_);
        pending_.store(false, std::memory_order_relaxed);
    }
    for (const auto& call : taken) {
        Process* process = nullptr;
        {
            std::lock_guard lock(call->mutex);
            if (call->stage != AsyncCallState::Stage::Cancelled) process = call->process;
        }
        // Its call is still the one it waits for: a cancelled call never is.
        const ProcessApiState* io = process != nullptr ? KernelAccess::api_state(*process) : nullptr;
        if (io != nullptr && io->host_call == call) KernelAccess::wake(process->os(), *process);
    }
}

void HostCallInbox::close() {
    std::vector<std::shared_ptr<AsyncCallState>> dropped;
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        dropped.swap(completed_);
    }
}

std::shared_ptr<HostCallInbox> host_call_inbox(lua_State* L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kInboxKey);
    auto* holder = static_cast<const std::shared_ptr<HostCallInbox>*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    return holder != nullptr ? *holder : nullptr;
}

void host_call_set_inbox(lua_State* L, const std::shared_ptr<HostCallInbox>* holder) {
    lua_pushlightuserdata(L, const_cast<std::shared_ptr<HostCallInbox>*>(holder));
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kInboxKey);
}

void host_call_cancel(std::shared_ptr<AsyncCallState>& call) {
    if (!call) return;
    {
        std::lock_guard lock(call->mutex);
        call->stage = AsyncCallState::Stage::Cancelled;
        call->process = nullptr;
    }
    call.reset();
}

}  // namespace luaos
