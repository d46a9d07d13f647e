#pragma once
// The control API's requests, answered on the tick thread (docs/serve.md):
// each one is parsed and validated whole before it changes anything, and
// every failure, from bad JSON to a VM that is gone, becomes an error reply.

#include <chrono>
#include <string>
#include <vector>

#include "luaos/cluster.hpp"
#include "service/net_bridge.hpp"
#include "service/node_counters.hpp"
#include "service/remote_calls.hpp"
#include "service/request_fields.hpp"
#include "service/request_queue.hpp"
#include "service/service_limits.hpp"
#include "service/subjects.hpp"
#include "service/vm_table.hpp"

namespace luaos::service {

class StoredVms;

// {"ok": false, "node": ..., "error": {"code": ..., "message": ...}}: what
// every refusal looks like. Safe on any thread.
std::string error_reply(const std::string& node, const std::string& code, const std::string& message);

// A reply or an event as text: invalid UTF-8 (a script prints any bytes)
// becomes U+FFFD rather than an exception.
std::string serialize(const Json& value);

// A VM id as replies and bodies write it: a decimal string.
std::string vm_id_text(VmId vm);

class ControlApi {
public:
    // `process_limits` are the cluster's (KernelOptions::process_limits):
    // a create's boot list is checked against them before its VM exists.
    // `remote` serves the libraries a create declares; `net` carries the VM
    // network to other nodes.
    ControlApi(Cluster& cluster, VmTable& vms, const Subjects& subjects, const ServiceLimits& limits,
               const ProcessLimits& process_limits, NodeCounters& counters, RemoteCalls& remote, NetBridge& net,
               StoredVms& stored);

    // The reply's body.
    std::string handle(const Request& request);

private:
    Json dispatch(const RequestTarget& target, const Json& body);
    Json reply() const;
    Json vm_reply(VmId vm) const;

    Json create_vm(const Json& body);
    void check_free_elsewhere(NetAddress address);
    void install_libraries(VmId id, Os& os, const std::vector<RemoteLibrarySpec>& libraries);
    Json list_vms(const Json& body) const;
    Json find_vm(const Json& body) const;
    Json node_stats(const Json& body) const;
    Json vm_status(VmId id, VirtualMachine& vm, const Json& body) const;
    Json vm_stats(VmId id, VirtualMachine& vm, const Json& body) const;
    Json destroy_vm(VmId id, const Json& body);
    Json spawn(VmId id, VirtualMachine& vm, const Json& body);
    Json write_stdin(VmId id, VirtualMachine& vm, const Json& body);
    Json kill(VmId id, VirtualMachine& vm, const Json& body);

    Cluster& cluster_;
    VmTable& vms_;
    const Subjects& subjects_;
    const ServiceLimits& limits_;
    const ProcessLimits& process_limits_;
    NodeCounters& counters_;
    RemoteCalls& remote_;
    NetBridge& net_;
    StoredVms& stored_;  // with --store, the VMs it creates are kept
    std::chrono::steady_clock::time_point started_;
};

}  // namespace luaos::service
