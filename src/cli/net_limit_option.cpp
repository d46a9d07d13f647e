#include "cli/net_limit_option.hpp"

#include <cstdint>
#include <limits>
#include <string_view>

#include "cli/size.hpp"

namespace luaos::cli {
namespace {

struct CountLimit {
    const char* name;
    std::uint32_t NetLimits::*field;
    std::uint32_t most = std::numeric_limits<std::uint32_t>::max();
};

struct ByteLimit {
    const char* name;
    std::size_t NetLimits::*field;
};

constexpr CountLimit kCountLimits[] = {
    {"connections_per_vm", &NetLimits::connections_per_vm},
    {"connections_per_process", &NetLimits::connections_per_process},
    {"listeners_per_vm", &NetLimits::listeners_per_vm},
    {"listeners_per_process", &NetLimits::listeners_per_process},
    {"packets_per_tick", &NetLimits::packets_per_tick},
    {"connects_per_tick", &NetLimits::connects_per_tick},
    {"datagrams_per_tick", &NetLimits::datagrams_per_tick},
    {"datagram_queue", &NetLimits::datagram_queue},
    {"source_share_percent", &NetLimits::source_share_percent, 100},
};

constexpr ByteLimit kByteLimits[] = {
    {"connection_bytes", &NetLimits::connection_bytes},
    {"vm_sent_bytes", &NetLimits::vm_sent_bytes},
    {"datagram_bytes", &NetLimits::datagram_bytes},
    {"datagram_queue_bytes", &NetLimits::datagram_queue_bytes},
};

std::string expects(std::string_view name, std::string_view what, std::string_view value) {
    return "--net-limit " + std::string(name) + " expects " + std::string(what) + ", got '" + std::string(value) +
           "'";
}

// A count: a plain integer from 1 to the limit's most (2^32-1, or 100 for a percentage).
std::optional<std::string> set_count(NetLimits& limits, const CountLimit& limit, std::string_view value) {
    const bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
    const std::optional<std::uint64_t> count = digits ? parse_size(value) : std::nullopt;
    if (!count || *count == 0 || *count > limit.most) {
        return expects(limit.name, "an integer from 1 to " + std::to_string(limit.most), value);
    }
    limits.*limit.field = static_cast<std::uint32_t>(*count);
    return std::nullopt;
}

// A byte limit: a SIZE of at least 1 byte.
std::optional<std::string> set_bytes(NetLimits& limits, const ByteLimit& limit, std::string_view value) {
    const std::optional<std::uint64_t> bytes = parse_size(value);
    if (!bytes || *bytes == 0 || *bytes > std::numeric_limits<std::size_t>::max()) {
        return expects(limit.name, "a size of at least 1 byte, in bytes or with a K, M or G suffix", value);
    }
    limits.*limit.field = static_cast<std::size_t>(*bytes);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> set_net_limit(NetLimits& limits, const std::string& assignment) {
    const std::size_t equals = assignment.find('=');
    if (equals == 0 || equals == std::string::npos) {
        return "--net-limit expects NAME=VALUE, got '" + assignment + "'";
    }
    const std::string_view name = std::string_view(assignment).substr(0, equals);
    const std::string_view value = std::string_view(assignment).substr(equals + 1);
    for (const CountLimit& limit : kCountLimits) {
        if (name == limit.name) return set_count(limits, limit, value);
    }
    for (const ByteLimit& limit : kByteLimits) {
        if (name == limit.name) return set_bytes(limits, limit, value);
    }
    return "--net-limit: no network limit is named '" + std::string(name) + "' (the limits: " + net_limit_names() +
           ")";
}

std::string net_limit_names() {
    std::string names;
    for (const CountLimit& limit : kCountLimits) names += std::string(names.empty() ? "" : ", ") + limit.name;
    for (const ByteLimit& limit : kByteLimits) names += std::string(", ") + limit.name;
    return names;
}

}  // namespace luaos::cli
