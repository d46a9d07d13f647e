#pragma once
// A VM's network endpoint: its addresses, its listeners and connections, and
// its queue of datagrams. The network (include/luaos/network.hpp) creates it
// when the host first gives the VM an address; a VM that is never on the
// network pays nothing for it. The VM's kernel owns it (kernel/vm_service.hpp).
//
// How data moves. Nothing here touches another VM. Whatever an endpoint says
// to another, it says in a packet (net/packet.hpp) put in its shard's outbox
// (net/net_link.hpp), which only the thread ticking the shard writes. After
// the tick, with every worker idle, the cluster routes every outbox: it
// applies the game's policy, finds the receiving endpoint by address (a
// connection being opened, a datagram) or by number (everything else), and
// calls deliver(), which queues the packet's data and wakes whoever waits
// for it. So a packet sent in tick T is read in tick T + 1 (plus the policy's
// latency) wherever the receiver lives, and the hot path takes no lock. What
// deliver() answers (a connection accepted or refused) goes into the outbox
// too, and arrives one tick later: opening a connection takes two.
//
// Connections carry messages, in order, and never drop one: a sender spends
// credit, which starts at the receiver's buffer (NetLimits::connection_bytes),
// and gets it back as the receiver reads (a Credit packet). A sender without
// credit waits; so a receiver never holds more than its buffer per
// connection, and a reader that is slow only slows its sender. A VM also
// waits once it has more bytes unread at its receivers than
// NetLimits::vm_sent_bytes, which bounds what one VM can push into the
// network whatever the number of its connections.
//
// What the network routes between two ticks for one VM is bounded where the
// packets enter it: a VM may send NetLimits::packets_per_tick packets a tick
// (connects_per_tick of them opening connections, datagrams_per_tick of them
// datagrams); past that, the sending process waits for the VM's next tick.
// A reader's Credit packets are one per connection per tick (what it reads
// later in the tick is added to the one still in the outbox), so they are
// bounded by its connections, not by how many messages it reads.
//
// One VM must not fill another's connection table and deny everyone else
// service. The connections opened to a VM from one source, accepted or
// waiting in a listener's queue, may hold at most
// NetLimits::source_share_percent of the VM's table (connections_per_vm)
// and of the listening process's (connections_per_process); a connect past
// it is refused, and only that source's. A source is the endpoint that sent
// the Connect (its number: a VM here, or a stand-in for one VM of another
// cluster), never the source address, which the game's policy may rewrite
// (NAT) to one shared by many VMs. And a connection whose peer closed before
// it was accepted, with nothing in it to read, leaves the listener's queue
// at once: opening and dropping connections pins no slot.
//
// Sockets belong to the process that opened (or accepted) them: only it may
// use them, and they close when it ends. Closing sends a Close packet; the
// other end reads what arrived before it, then the end of the stream. A VM
// destroyed closes all of its connections the same way, and the network
// forgets its addresses.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kernel/process_api_state.hpp"
#include "kernel/vm_service.hpp"
#include "luaos/net_address.hpp"
#include "luaos/net_limits.hpp"
#include "net/net_link.hpp"

namespace luaos {

class Os;

struct NetConnection {
    enum class State : std::uint8_t { Connecting, Open, PeerClosed, Refused, Unreachable };
    State state = State::Connecting;
    bool incoming = false;  // opened to this VM (through a listener); its source is peer_endpoint
    Pid owner = 0;
    std::uint32_t handle = 0;  // its own, which its packets carry (a peer on another node is answered by it)
    std::uint16_t local_port = 0;
    std::uint16_t peer_port = 0;
    NetAddress peer_ip = 0;
    std::uint32_t peer_endpoint = 0;
    std::uint32_t peer_handle = 0;
    std::uint32_t latency_ticks = 0;
    std::uint32_t listener = 0;  // the listener it waits in until accepted; 0 once accepted
    std::size_t credit = 0;      // bytes it may still send before the receiver reads
    std::size_t unread = 0;      // bytes it sent that the receiver has not read
    std::size_t inbox_bytes = 0;
    SmallQueue<std::string> inbox;
    // The Credit packet this end posted in the tick it last read in, still in
    // the outbox: what it reads later in the tick is added to it.
    std::uint64_t credit_tick = ~std::uint64_t{0};
    std::size_t credit_slot = 0;
};

struct NetListener {
    Pid owner = 0;
    std::uint16_t port = 0;
    bool owner_waits = false;  // its owner is parked in accept on it: a connection arriving wakes it
    SmallQueue<std::uint32_t> pending;  // connections opened to it, not accepted yet
};

struct NetDatagram {
    NetAddress src_ip = 0;
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::string data;
};

// Why a call did not happen (the script reads these as `nil, reason`).
enum class NetRefusal : std::uint8_t {
    None,
    NoAddress,           // the VM has no address
    PortInUse,
    TooManyListeners,
    TooManyConnections,
    NextTick,  // the VM opened its connections (or sent its packets) for this tick
};
const char* net_refusal_text(NetRefusal refusal);

enum class NetSend : std::uint8_t {
    Sent,
    Wait,      // no credit, or the VM's unread bytes are at their limit
    NextTick,  // the VM sent its packets (or datagrams) for this tick
    Closed,    // the other end closed
    TooLarge,  // over NetLimits::connection_bytes (datagram_bytes): it could never be sent
};

// What a VM sent in one of its ticks, against NetLimits' budgets per tick.
struct NetTickSends {
    std::uint64_t tick = 0;
    std::uint32_t packets = 0;
    std::uint32_t connects = 0;
    std::uint32_t datagrams = 0;
};

// What deliver() made of a packet, for the network's counts.
enum class NetDelivery : std::uint8_t { Delivered, Refused, Dropped };

class NetEndpoint final : public VmService {
public:
    NetEndpoint(Os& os, NetLink& link, std::uint32_t id);
    ~NetEndpoint() override;
    NetEndpoint(const NetEndpoint&) = delete;
    NetEndpoint& operator=(const NetEndpoint&) = delete;

    std::uint32_t id() const { return id_; }
    const std::vector<NetAddress>& addresses() const { return addresses_; }
    void set_addresses(std::vector<NetAddress> addresses) { addresses_ = std::move(addresses); }
    const NameService& names() const { return *link_.names; }
    const NetLimits& limits() const { return *link_.limits; }

    // Listeners. Port 0 picks a free one.
    NetRefusal listen(Pid owner, std::uint16_t port, std::uint32_t& handle);
    // The listener or connection `handle` if `owner` holds it, else null.
    NetListener* listener(Pid owner, std::uint32_t handle);
    NetConnection* connection(Pid owner, std::uint32_t handle);
    // The next connection opened to the listener, moved to `owner`; 0 if none.
    std::uint32_t accept(NetListener& listener);
    void close_listener(std::uint32_t handle);

    // Connections: connect sends the Connect packet; the connection is open
    // once its state says so.
    NetRefusal connect(Pid owner, NetAddress ip, std::uint16_t port, std::uint32_t& handle);
    NetSend send(NetConnection& connection, std::string_view data);
    // Drops the connection's first message (read by the caller) and gives its
    // bytes back to the sender as credit.
    void consume(NetConnection& connection);
    void close_connection(std::uint32_t handle);

    // Datagrams.
    NetSend send_datagram(Pid from, NetAddress ip, std::uint16_t port, std::string_view data);
    NetDatagram* next_datagram() { return datagrams_.empty() ? nullptr : &datagrams_.front(); }
    void consume_datagram();

    // Whoever waits in net.recv, or for the VM's unread bytes to fall, is woken by their event.
    void wait_for_datagram(Pid pid);
    void wait_for_credit(Pid pid);

    // From the network, between ticks.
    NetDelivery deliver(Packet& packet);
    void on_process_ended(Pid pid) override;

private:
    void post(Packet packet) { link_.outbox.push_back(std::move(packet)); }
    Packet to_peer(const NetConnection& connection, PacketKind kind, std::uint32_t handle) const;
    void post_to_peer(const NetConnection& connection, PacketKind kind, std::uint32_t handle);
    void answer(const Packet& packet, PacketKind kind);
    void wake(Pid pid);
    void wake_all(std::vector<Pid>& waiting);
    std::uint32_t count_connections(Pid owner) const;
    bool over_source_share(Pid owner, std::uint32_t source) const;
    std::uint32_t count_listeners(Pid owner) const;
    bool port_listened(std::uint16_t port) const;
    std::uint16_t free_port();
    NetAddress own_address() const { return addresses_.empty() ? 0 : addresses_.front(); }
    NetDelivery open_incoming(const Packet& packet);
    void reclaim_unaccepted(std::uint32_t handle, NetConnection& connection);
    void release_unread(NetConnection& connection);
    void give_credit(NetConnection& connection, std::size_t bytes);
    NetTickSends& sent_this_tick();

    Os& os_;
    NetLink& link_;
    std::uint32_t id_;
    std::uint32_t next_handle_ = 1;
    std::uint16_t next_port_ = kFirstEphemeralPort;
    std::vector<NetAddress> addresses_;
    std::unordered_map<std::uint32_t, NetConnection> connections_;
    std::unordered_map<std::uint32_t, NetListener> listeners_;
    SmallQueue<NetDatagram> datagrams_;
    std::size_t datagram_bytes_ = 0;
    std::size_t unread_ = 0;  // over all connections (NetLimits::vm_sent_bytes)
    NetTickSends sent_;
    std::vector<Pid> datagram_waiters_;
    std::vector<Pid> credit_waiters_;

public:
    static constexpr std::uint16_t kFirstEphemeralPort = 49152;
};

}  // namespace luaos
