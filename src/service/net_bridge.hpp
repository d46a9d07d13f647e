#pragma once
// The VM network across nodes (docs/serve.md, "The network across nodes").
//
// Each node's cluster routes between its own VMs as it always did
// (docs/network.md). With the bridge open, the network's remote routing is
// on: a packet for an address none of its VMs holds, or for a connection
// whose other end is on another node, goes to the network's remote outbox
// (luaos/net_remote.hpp). Once per tick, after the cluster's tick, the bridge
// publishes that outbox on `luaos.net.<address>` (the receiving VM's
// address), in the order the network routed it, from the tick thread, on the
// node's one NATS connection. Every node subscribes to
// `luaos.net.<address>` for each address its VMs hold (the network tells it
// as addresses come and go), so a VM's traffic follows its address to
// whichever node hosts it. What arrives is queued by the client's thread and
// handed to the network on the tick thread before the next tick, in
// arrival order.
//
// Order: NATS keeps the order of one connection's messages to one
// subscription, and one VM connection's packets all travel from one node's
// connection to one subject: they arrive in the order sent. Backpressure is
// the network's own credit: Credit packets cross like Data, so a sender on
// one node waits for a slow reader on another exactly as on one node.
//
// Nothing undeliverable is silent. Every packet of a connection is published
// with a reply subject naming its sender's endpoint and connection
// (`<inbox>.<endpoint>.<handle>`); nobody answers it, but when no node
// subscribes to the address (no VM has it, its node stopped or died) the
// server answers "no responders" there, and the sender's connection fails:
// unreachable while it connects, closed once open. A datagram nobody can
// receive is counted, as a local one is, and lost (datagrams may be lost).
// A node stopping destroys its VMs first, so their peers are told Close
// before the node's subscriptions go.
//
// An address is unique across the nodes of a broker: before a VM is given
// one, its node asks whether any other node subscribes to it, by a request on
// `luaos.net.<address>` whose body is a probe (no packet is that short);
// every node answers a probe on an address it subscribes to with its name,
// and "no responders" means the address is free. A create asks twice: before
// the VM exists (the usual refusal, with nothing subscribed), and again once
// its own subscription is made (the node's connection does not hear itself):
// of two creates of one address racing on two nodes, the later of the two
// subscriptions is made after the other, so the create whose second probe
// comes after it hears the other. At least one of them is refused, sometimes
// both, never neither. A probe waits on the tick thread for its round trip
// (`kProbeTimeout` at most).
//
// The inbound queue holds what arrived since the last tick. Connection
// packets are bounded by construction: a VM on any node has at most its
// `vm_sent_bytes` (1 MiB) of messages unread by their receivers, and sends at
// most `packets_per_tick` packets a tick, so another node's scripts cannot
// pile up more than that per VM, and dropping one would break a connection's
// order. Datagrams have no credit: a flooding VM sends 64 of 8 KiB every tick
// of its node, however long this node's tick takes. So the queue counts the
// bytes of datagrams it holds, and past its bound (8 MiB by default) an
// arriving datagram is dropped and counted, as a congested network drops it;
// connection packets are always queued.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "luaos/network.hpp"

struct __natsConnection;
struct __natsSubscription;
struct __natsMsg;

namespace luaos::service {

// What the bridge has carried, for the node's `stats` reply.
struct NetBridgeCounts {
    std::uint64_t packets_out = 0;  // published
    std::uint64_t bytes_out = 0;    // their bodies, header included
    std::uint64_t packets_in = 0;   // received and handed to the network
    std::uint64_t bytes_in = 0;
    std::uint64_t malformed = 0;          // bodies that were not a packet (ignored)
    std::uint64_t undeliverable = 0;      // connection packets nobody could receive (the sender's connection failed)
    std::uint64_t datagrams_lost = 0;     // datagrams sent to an address no node holds
    std::uint64_t datagrams_dropped = 0;  // datagrams that arrived while the inbound queue was full of them
    std::uint64_t queued_peak_bytes = 0;  // the most the inbound queue held between two ticks
};

// What a probe learnt of an address (above).
struct AddressHolder {
    enum class Kind { Nobody, Node, Silent, Unknown };
    Kind kind = Kind::Nobody;
    std::string detail;  // Node: its name; Silent, Unknown: what happened
};

class NetBridge {
public:
    // `node`: this node's name, the answer to other nodes' probes.
    // `queued_datagram_bytes`: the inbound queue's bound on datagrams (above;
    // ServiceLimits::net_queued_datagram_bytes).
    NetBridge(Network& network, std::string node, std::size_t queued_datagram_bytes);
    ~NetBridge();
    NetBridge(const NetBridge&) = delete;
    NetBridge& operator=(const NetBridge&) = delete;

    // Subscribes the reply inbox and turns the network's remote routing on.
    void open(__natsConnection* connection);
    // Unsubscribes everything (waiting for handlers still running).
    void close();
    // Tick thread, before a tick: hands the network what arrived.
    void receive_all();
    // Tick thread, after a tick: publishes the network's remote outbox.
    void send_all();
    NetBridgeCounts counts() const;
    // Tick thread: which other node, if any, subscribes to `address` (a
    // probe's round trip; Nobody while the bridge is closed).
    AddressHolder holder_elsewhere(NetAddress address);

private:
    struct Arrival {
        bool failed = false;  // no responders: the sender's endpoint and handle below
        std::uint32_t endpoint = 0;
        std::uint32_t handle = 0;
        bool datagram = false;
        std::string body;
    };
    void hold(NetAddress address, bool held);
    void publish(const RemotePacket& packet);
    static void deliver(__natsConnection* connection, __natsSubscription* subscription, __natsMsg* message,
                        void* closure);
    void receive(__natsMsg* message);
    void queue(Arrival arrival);
    void answer_probe(__natsMsg* message);
    void inject(Arrival& arrival);
    void count(std::uint64_t NetBridgeCounts::*counter);

    Network& network_;
    const std::string node_;
    const std::size_t queued_datagram_bytes_;
    __natsConnection* connection_ = nullptr;
    __natsSubscription* inbox_ = nullptr;
    std::string inbox_prefix_;
    std::unordered_map<NetAddress, __natsSubscription*> held_;
    mutable std::mutex mutex_;
    std::vector<Arrival> arrived_;     // guarded by mutex_
    std::size_t queued_bytes_ = 0;     // in arrived_, guarded by mutex_
    std::size_t queued_datagrams_ = 0; // bytes of datagrams in arrived_, guarded by mutex_
    NetBridgeCounts counts_;           // guarded by mutex_
};

}  // namespace luaos::service
