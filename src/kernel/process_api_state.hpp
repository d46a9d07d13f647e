#pragma once
// The process API's per-process state, kept apart from Process and created
// on first use (Process::ensure_api_state), so that a process that never uses the
// API costs one null pointer.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel/host_functions/async_call_state.hpp"
#include "kernel/process_random.hpp"
#include "kernel/process_files.hpp"
#include "luaos/process.hpp"

namespace luaos {

// What a process gave up its slice for (docs/process-api.md).
enum class BlockReason : std::uint8_t {
    None,
    Yield,    // os.yield, os.sleep(0): runnable again next tick
    Sleep,    // os.sleep(n): a timer
    Wait,     // os.wait(pid): the target's waiters list
    Read,     // io.read on an empty stdin
    Receive,  // os.receive on an empty mailbox, perhaps with a timer
    Network,  // a net call (src/net): a connection, a listener or datagrams, perhaps with a timer
    HostCall, // an asynchronous host function, until the host completes it
    Send,     // os.send to a full mailbox, until there is room, perhaps with a timer
};

// A first-in first-out queue on one vector: std::deque would allocate a
// block even when empty.
template <typename T>
class SmallQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    T& front() { return items_[head_]; }
    void push(T item) { items_.push_back(std::move(item)); }
    void pop() {
        items_[head_] = T();
        if (++head_ == items_.size()) {
            items_.clear();
            head_ = 0;
        } else if (head_ >= 32 && head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    // Takes the first `item` still queued out of the queue; false if there is none.
    bool erase(const T& item) {
        auto found = std::find(items_.begin() + static_cast<std::ptrdiff_t>(head_), items_.end(), item);
        if (found == items_.end()) return false;
        items_.erase(found);
        if (head_ == items_.size()) {
            items_.clear();
            head_ = 0;
        }
        return true;
    }
    void clear() {
        items_.clear();
        items_.shrink_to_fit();
        head_ = 0;
    }

private:
    std::vector<T> items_;
    std::size_t head_ = 0;
};

struct Message {
    Pid from = 0;
    std::string bytes;  // encoded (kernel/message_copy.hpp)
};

// What a process receives: stdin lines, messages, and who waits for its end.
// Created on first use too, so that a sleeper or a reader of an empty stdin
// does not carry empty queues.
struct ProcessBuffers {
    std::size_t stdin_bytes = 0;
    std::size_t mailbox_bytes = 0;
    SmallQueue<std::string> stdin_lines;
    SmallQueue<Message> mailbox;
    std::vector<Pid> waiters;  // processes in os.wait for this one
    std::vector<Pid> blocked_senders;  // processes in os.send waiting for room in the mailbox
};

// A message os.send holds while it waits for room in a full mailbox.
struct PendingSend {
    Pid to = 0;
    std::string bytes;  // encoded (kernel/message_copy.hpp)
};

struct ProcessApiState {
    Pid parent = 0;
    int exit_code = 0;  // os.exit's code
    BlockReason block = BlockReason::None;
    bool parked = false;     // the scheduler has set it aside until woken
    bool timed_out = false;  // woken by its timer (os.receive's timeout)
    bool stdin_closed = false;
    bool output_to_parent = false;  // SpawnOptions::output is ChildOutput::Parent
    std::uint32_t timer_generation = 0;  // a timer of an older generation is stale
    Pid wait_target = 0;
    int wait_result = 0;
    std::uint64_t wake_tick = 0;  // os.sleep's end, os.receive's timeout; 0 for none
    std::unique_ptr<ProcessBuffers> buffers;
    std::unique_ptr<ProcessRandom> random;  // math.random's generator, from the first draw
    std::shared_ptr<AsyncCallState> host_call;  // the asynchronous host call it waits for
    std::unique_ptr<PendingSend> sending;       // the message os.send waits to deliver
    std::unique_ptr<ProcessFiles> files;       // its working directory and open files

    ProcessApiState() = default;
    ProcessApiState(const ProcessApiState&) = delete;
    ProcessApiState& operator=(const ProcessApiState&) = delete;
    ~ProcessApiState() { host_call_cancel(host_call); }

    ProcessBuffers& ensure_buffers() {
        if (!buffers) buffers = std::make_unique<ProcessBuffers>();
        return *buffers;
    }
    bool has_stdin() const { return buffers && !buffers->stdin_lines.empty(); }
    bool has_mail() const { return buffers && !buffers->mailbox.empty(); }

    // Drops what is pending: an ended process receives nothing more. Its
    // waiters stay, to be woken when its end is reported.
    void release_buffers() {
        host_call_cancel(host_call);
        if (!buffers) return;
        buffers->stdin_lines.clear();
        buffers->mailbox.clear();
        buffers->stdin_bytes = buffers->mailbox_bytes = 0;
    }
};

}  // namespace luaos
