#pragma once
// Host functions: C++ functions a host gives scripts, as a library under a
// name it picks (`game.scan()`), for every VM of a cluster
// (Cluster::add_host_library) or for one VM (Os::add_host_library).
// Scripts see the library as a read-only table, like `string` or `os`.
// Arguments and results are copied (luaos/host_value.hpp), and a host
// function that throws raises a Lua error in the script, never a crash.
//
// Two kinds:
// - immediate (HostLibrary::add): runs on the thread ticking the VM, inside
//   the caller's slice, and must not block; its time counts in the slice
//   (the deadline mode's timer cannot stop C++ code: keep it short), and
//   copies of arguments over 1 KiB against the slice's CPU budget
//   (RuntimeOptions::cpu_budget);
// - asynchronous (HostLibrary::add_async): the call parks the process as
//   os.receive does, and hands the host an AsyncCall that it may complete
//   later, from any thread; the process resumes with the results (or raises
//   the error) on a later tick. If the process ends first (killed, its VM
//   destroyed), the call is cancelled: AsyncCall::cancelled() turns true and
//   complete() returns false. A VM's processes may have at most
//   ProcessLimits::host_calls asynchronous calls outstanding.
// The host always knows who called: the VM (its handle, and its Os for an
// immediate call) and the PID.
//
// docs/embedding.md shows a game built with them.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "luaos/host_value.hpp"
#include "luaos/process.hpp"
#include "luaos/vm_handle.hpp"

namespace luaos {

class Os;
struct AsyncCallState;

// An immediate call in progress: who called, with what, and its results.
class HostCall {
public:
    HostCall(Process& caller, const std::vector<HostValue>& args, std::vector<HostValue>& results)
        : caller_(caller), args_(args), results_(results), first_arg_(args.data()), arg_count_(args.size()) {}

    Os& os() const { return caller_.os(); }
    // The calling VM's handle (null for an Os that is not in a Cluster).
    VmHandle vm() const;
    Pid pid() const { return caller_.pid(); }
    const Process& process() const { return caller_; }
    const std::vector<HostValue>& args() const { return args_; }
    // Argument `index` (0-based); nil past the last.
    const HostValue& arg(std::size_t index) const { return index < arg_count_ ? first_arg_[index] : no_argument(); }
    // Appends a result: the script receives them in order.
    void push(HostValue result) { results_.push_back(std::move(result)); }

private:
    static const HostValue& no_argument();
    Process& caller_;
    const std::vector<HostValue>& args_;
    std::vector<HostValue>& results_;
    // The arguments as arg() reads them, one load away.
    const HostValue* first_arg_;
    std::size_t arg_count_;
};

// An asynchronous call handed to the host. Move it where the work is done;
// every member may be called from any thread. A call the host drops without
// completing it fails ("the host dropped the call"), so that the script is
// never left waiting for nothing.
class AsyncCall {
public:
    explicit AsyncCall(std::shared_ptr<AsyncCallState> state);
    AsyncCall(AsyncCall&&) noexcept;
    AsyncCall& operator=(AsyncCall&&) noexcept;
    AsyncCall(const AsyncCall&) = delete;
    AsyncCall& operator=(const AsyncCall&) = delete;
    ~AsyncCall();

    VmHandle vm() const;
    Pid pid() const;
    // "library.function", as the script called it.
    const std::string& function() const;
    const std::vector<HostValue>& args() const;
    const HostValue& arg(std::size_t index) const;
    // The process resumes with `results` on a later tick. False when the call
    // was cancelled (its process ended) or already completed.
    bool complete(std::vector<HostValue> results = {});
    // The script's call raises "library.function: <error>" instead.
    bool fail(std::string error);
    // Whether its process ended before the call was completed.
    bool cancelled() const;

private:
    bool resolve(std::vector<HostValue>* results, std::string* error);
    std::shared_ptr<AsyncCallState> state_;
};

using ImmediateHostFunction = std::function<void(HostCall&)>;
using AsyncHostFunction = std::function<void(AsyncCall)>;

// A library of host functions, built once and installed where scripts see it.
class HostLibrary {
public:
    struct Function {
        std::string name;
        std::string qualified_name;  // "library.function"
        ImmediateHostFunction immediate;
        AsyncHostFunction async;  // set for the asynchronous kind instead
    };

    // The name scripts use (`game`): letters, digits and '_', not starting
    // with a digit; std::invalid_argument otherwise.
    explicit HostLibrary(std::string name);
    // An immediate function; std::invalid_argument for a bad or repeated name
    // or an empty function.
    HostLibrary& add(std::string name, ImmediateHostFunction function);
    // An asynchronous function, with the same checks.
    HostLibrary& add_async(std::string name, AsyncHostFunction function);

    const std::string& name() const { return name_; }
    const std::vector<std::unique_ptr<Function>>& functions() const { return functions_; }

private:
    Function& add_function(std::string name);
    std::string name_;
    std::vector<std::unique_ptr<Function>> functions_;
};

}  // namespace luaos
