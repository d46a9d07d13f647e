#pragma once
// An asynchronous host call between the script that made it and the host
// thread that completes it.
//
// The call's state is shared by the AsyncCall the host holds and the calling
// process's ProcessApiState. Its life:
//   waiting    the process is parked; the host holds the AsyncCall;
//   completed  the host gave results (or an error), from any thread: the
//              state is posted to its runtime's inbox;
//   delivered  the thread ticking the runtime took it from the inbox at the
//              start of a tick and woke the process, which reads the results;
//   cancelled  the process ended first (killed, its VM destroyed): the host's
//              complete() returns false and nothing is delivered.
// The mutex guards the stage, results and error between the host's thread
// and the ticking thread; `process` is touched by the ticking thread only,
// and is valid while the stage is not cancelled (a process cancels its call
// when it ends or is destroyed).
//
// HostCallInbox: completed calls wait there, per runtime, until the thread
// ticking that runtime takes them; the host never touches a process itself.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

struct lua_State;

#include "luaos/host_functions.hpp"

namespace luaos {

class HostCallInbox;

struct AsyncCallState {
    enum class Stage : std::uint8_t { Waiting, Completed, Failed, Cancelled };

    std::mutex mutex;
    Stage stage = Stage::Waiting;
    bool resolved_by_host = false;  // complete, fail or drop happened: no longer outstanding
    std::vector<HostValue> args;
    std::vector<HostValue> results;
    std::string error;
    std::string function_name;  // "library.function"
    VmHandle vm;
    Pid pid = 0;
    std::shared_ptr<HostCallInbox> inbox;
    std::shared_ptr<std::atomic<std::uint32_t>> outstanding;  // the VM's count (ProcessLimits::host_calls)
    Process* process = nullptr;  // the ticking thread's only
};

class HostCallInbox {
public:
    void post(std::shared_ptr<AsyncCallState> call);
    // On the thread ticking the runtime, between ticks of its VMs: wakes the
    // process of every call completed since the last time.
    void deliver();
    // Its runtime is going away: what waits is dropped (a completed call
    // holds the inbox, and the inbox the call) and later posts are ignored.
    void close();

private:
    std::mutex mutex_;
    std::atomic<bool> pending_{false};
    bool closed_ = false;
    std::vector<std::shared_ptr<AsyncCallState>> completed_;
};

// The inbox of the runtime on L, or null. Its owner (a cluster's shard)
// registers where it holds it, for as long as the runtime lives.
std::shared_ptr<HostCallInbox> host_call_inbox(lua_State* L);
void host_call_set_inbox(lua_State* L, const std::shared_ptr<HostCallInbox>* holder);

// Cancels the process's outstanding call, if any (it ended or is destroyed).
void host_call_cancel(std::shared_ptr<AsyncCallState>& call);

}  // namespace luaos
