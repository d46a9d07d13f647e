#pragma once
// A node's running counts of requests, for its stats reply. Written by the
// client's threads (refusals at the door) and the tick thread (the rest).

#include <atomic>
#include <cstdint>

namespace luaos::service {

struct NodeCounters {
    std::atomic<std::uint64_t> requests{0};   // answered on the tick thread, errors included
    std::atomic<std::uint64_t> errors{0};     // of those, answered with an error
    std::atomic<std::uint64_t> busy{0};       // refused: the queue was full
    std::atomic<std::uint64_t> too_large{0};  // refused: the body was over the limit
    std::atomic<std::uint64_t> events{0};     // events published
};

}  // namespace luaos::service
