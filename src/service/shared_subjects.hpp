#pragma once
// The subjects every node shares (docs/serve.md), beside each node's own
// `luaos.<node>.>` (subjects.hpp): a create any node with room may take, a
// VM's requests wherever it runs, and the nodes' events.
//
//   luaos.any.vm.create    a queue group: the server gives each request to
//                          one member, and only nodes with room are members
//   luaos.vm.<uuid>.<op>   subscribed by the node that holds the VM, only:
//                          the same operations as luaos.<node>.vm.<vm>.<op>
//   luaos.*.events         every node's heartbeats, starts and stops
//
// A VM's id (the cluster's handle) is unique on its node only: two nodes'
// first VMs have the same one. Its UUID (random, 122 bits) is unique across
// nodes without any coordination, so it names the VM on the shared subjects.

#include <string>
#include <string_view>

#include "service/node_names.hpp"
#include "service/subjects.hpp"

namespace luaos::service {

inline constexpr std::string_view kAnyCreateSubject = "luaos.any.vm.create";
// The queue group of the nodes with room.
inline constexpr std::string_view kPlacementGroup = "luaos-nodes";
// Every node's events (luaos.<node>.events).
inline constexpr std::string_view kAllNodeEvents = "luaos.*.events";

// What the holder of the VM `uuid` subscribes to: luaos.vm.<uuid>.>
std::string vm_anywhere_subject(const std::string& uuid);

// luaos.vm.<uuid>.<op> as the node's own subject for VM `vm`:
// luaos.<node>.vm.<vm>.<op>, so that both are answered alike.
std::string node_subject_for(const Subjects& node, VmId vm, std::string_view anywhere_subject);

// The node of luaos.<node>.events; empty for any other subject.
std::string_view node_of_events_subject(std::string_view subject);

}  // namespace luaos::service
