#pragma once
// Host functions answered across the network: a library a game declares for
// its VMs (docs/serve.md, "Host functions across the network") whose every
// function is an asynchronous host function (luaos/host_functions.hpp) that
// the game serves over NATS, in whatever language it is written.
//
// A script's call `game.price("ore")` parks its process, as every
// asynchronous host call does, and hands its AsyncCall to start() on the
// worker ticking the VM. start() writes the call as JSON (node, vm, pid,
// function, args: service/host_value_json.hpp), files it under a number in
// the table of calls in flight, and publishes a NATS request on
// `luaos.<node>.call.<library>.<function>` whose reply subject is
// `<inbox>.<number>`, the inbox being one subscription of the node's own
// (`_INBOX.<unique>.*`). Nothing waits: a publish only fills the client's
// buffer.
//
// The game's reply arrives on the client's delivery thread, which takes the
// call out of the table by its number and completes it (AsyncCall is safe
// from any thread; the process resumes on a later tick): `{"result": [...]}`
// gives the script those values, `{"error": "..."}` raises the error, and
// anything else raises an error saying what was wrong with the reply. The
// server's "no responders" status (nobody subscribes to the subject) fails
// the call at once. The tick thread calls expire() once a tick: calls in
// flight longer than the timeout fail. Since every call has the same
// timeout, the table's order by number is also its order by deadline, and
// expire() looks only at its front.
//
// A process killed while its call is in flight cancelled the call in the
// kernel already: the late reply's complete() returns false and is dropped.
// The cancelled call stays in the table, and counts against its VM's bound
// on outstanding calls (ProcessLimits::host_calls), until the reply or the
// timeout removes it, so that killing callers cannot pile up calls on the
// game without limit. A reply whose number is not in the table (late,
// answered twice, or made up) is ignored.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "luaos/host_functions.hpp"

struct __natsConnection;
struct __natsSubscription;
struct __natsMsg;

namespace luaos::service {

// A library the game serves: its name and its functions' names (Lua
// identifiers, which are subject tokens too).
struct RemoteLibrarySpec {
    std::string name;
    std::vector<std::string> functions;
};

struct RemoteCallOptions {
    // A call with no reply within this fails ("no reply from the game").
    std::chrono::milliseconds timeout{5000};
    // A larger reply fails the call.
    std::size_t reply_bytes = std::size_t{1} << 20;
    // Arrays and objects nested in a reply.
    std::size_t json_depth = 16;
};

class RemoteCalls {
public:
    using Clock = std::chrono::steady_clock;

    RemoteCalls(std::string node, RemoteCallOptions options);
    // Stops the inbox (close()); calls still in flight fail as dropped.
    ~RemoteCalls();
    RemoteCalls(const RemoteCalls&) = delete;
    RemoteCalls& operator=(const RemoteCalls&) = delete;

    // Subscribes the inbox on `connection`, which must outlive close().
    void open(__natsConnection* connection);
    // Stops the inbox and waits for a reply being handled.
    void close();

    // The subject of a library's function.
    std::string subject(const std::string& library, const std::string& function) const;
    // A HostLibrary whose functions are calls through this table;
    // std::invalid_argument for a bad name (HostLibrary's rules). The
    // library must not be called once this table is gone.
    HostLibrary library(const RemoteLibrarySpec& spec);

    // On the worker that ticks the caller: publishes the call. Throws (the
    // script's error, at once) when an argument has no JSON form or the
    // client refuses the publish.
    void start(const std::string& subject, AsyncCall call);
    // On the tick thread: fails the calls in flight since before
    // `now` - timeout.
    void expire(Clock::time_point now);
    // Calls in flight, cancelled ones included.
    std::size_t in_flight() const;

private:
    struct Pending {
        AsyncCall call;
        std::string subject;
        Clock::time_point deadline;
    };

    static void deliver(__natsConnection*, __natsSubscription*, __natsMsg* message, void* closure);
    void receive(__natsMsg* message);
    std::optional<Pending> take(std::uint64_t number);
    void answer(AsyncCall& call, std::string_view reply) const;

    std::string node_;
    RemoteCallOptions options_;
    __natsConnection* connection_ = nullptr;
    __natsSubscription* inbox_ = nullptr;
    std::string inbox_prefix_;  // "_INBOX.<unique>."
    mutable std::mutex mutex_;
    std::uint64_t next_number_ = 1;
    std::map<std::uint64_t, Pending> pending_;  // by number, hence by deadline
};

}  // namespace luaos::service
