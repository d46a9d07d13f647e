#pragma once
// Requests on their way from the NATS client's threads, which receive them,
// to the tick thread, which alone touches the Cluster. Bounded: a flood of
// requests between two ticks is refused at the door ("busy"), not queued
// without end.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace luaos::service {

struct Request {
    std::string subject;
    std::string reply;  // where to answer; empty for a message sent without one
    std::string body;
};

enum class Admission : std::uint8_t { Queued, Full, Closed };

class RequestQueue {
public:
    explicit RequestQueue(std::size_t capacity) : capacity_(capacity) {}

    // Any thread. `request` is moved in only when Queued.
    Admission push(Request& request);
    // The tick thread: everything queued, oldest first.
    std::vector<Request> take_all();
    // From now on push refuses (the node is stopping).
    void close();
    std::size_t capacity() const { return capacity_; }

private:
    std::mutex mutex_;
    std::vector<Request> requests_;
    std::size_t capacity_;
    bool closed_ = false;
};

}  // namespace luaos::service
