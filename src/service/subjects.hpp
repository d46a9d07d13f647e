#pragma once
// The NATS subjects of one node (docs/serve.md has the table): every name
// starts `luaos.<node>.`, broad to narrow, so that one wildcard picks a node
// (`luaos.<node>.>`), all of a VM (`luaos.<node>.vm.<vm>.>`) or every VM's
// events (`luaos.<node>.vm.*.events`), and a broker's permissions can be
// granted per node or per VM.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace luaos::service {

// A VM's id in the control API: its subject token and the "vm" of replies
// and events (the cluster's handle value, luaos/vm_handle.hpp).
using VmId = std::uint64_t;

// What a node name may be: 1 to 64 of A-Z a-z 0-9 _ -, the characters the
// NATS documentation recommends for a subject's tokens.
bool is_subject_token(std::string_view text);
inline constexpr std::size_t kMaxTokenLength = 64;

// A VM id as subjects and bodies write it: decimal, no sign, no leading
// zero; nullopt for anything else.
std::optional<VmId> parse_vm_id(std::string_view text);

enum class Operation : std::uint8_t {
    // luaos.<node>.<...>
    VmCreate,   // vm.create
    VmList,     // vm.list
    VmFind,     // vm.find
    NodeStats,  // stats
    // luaos.<node>.vm.<vm>.<...>
    VmStatus,   // status
    VmStats,    // stats
    VmDestroy,  // destroy
    VmSpawn,    // spawn
    VmStdin,    // stdin
    VmKill,     // kill
};

// A request's subject, understood: what to do, and to which VM.
struct RequestTarget {
    Operation operation = Operation::NodeStats;
    std::optional<VmId> vm;  // for the per-VM operations
    // The VM token as sent, for a reply naming a VM that does not exist.
    std::string vm_token;
};

class Subjects {
public:
    // `node` must be a subject token (is_subject_token).
    explicit Subjects(std::string node);

    const std::string& node() const { return node_; }
    // What the node subscribes to: every request subject.
    std::string requests() const { return prefix_ + ">"; }
    std::string vm_create() const { return prefix_ + "vm.create"; }
    // Where a VM's processes' spawns, output and exits are published.
    std::string vm_events(VmId vm) const;
    // Where the node says it started and stopped.
    std::string node_events() const { return prefix_ + "events"; }
    // nullopt for a subject that names no operation (the caller replies
    // "unknown_subject"); a per-VM subject whose VM token is not a number
    // names VM 0, which no VM has.
    std::optional<RequestTarget> parse(std::string_view subject) const;

private:
    std::string node_;
    std::string prefix_;  // "luaos.<node>."
};

}  // namespace luaos::service
