// The parts of several nodes that need no broker: the shared subjects and
// the liveness bookkeeping, on a clock the test sets.

#include <gtest/gtest.h>

#include "service/liveness.hpp"
#include "service/shared_subjects.hpp"

namespace luaos::service {
namespace {

using namespace std::chrono_literals;
using Clock = Liveness::Clock;

TEST(SharedSubjects, AVmsSharedSubjectStandsForItsNodesOwn) {
    const Subjects n1("n1");
    const std::string uuid = "0f8e1b2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    EXPECT_EQ(vm_anywhere_subject(uuid), "luaos.vm." + uuid + ".>");
    EXPECT_EQ(node_subject_for(n1, 42, "luaos.vm." + uuid + ".stdin"), "luaos.n1.vm.42.stdin");
    EXPECT_EQ(node_subject_for(n1, 42, "luaos.vm." + uuid + ".a.b"), "luaos.n1.vm.42.a.b");
    const std::optional<RequestTarget> target = n1.parse(node_subject_for(n1, 42, "luaos.vm." + uuid + ".kill"));
    ASSERT_TRUE(target.has_value());
    EXPECT_EQ(target->operation, Operation::VmKill);
    EXPECT_EQ(target->vm, 42u);
    // Nothing after the UUID names no operation.
    EXPECT_FALSE(n1.parse(node_subject_for(n1, 42, "luaos.vm." + uuid)).has_value());
}

TEST(SharedSubjects, TheNodeOfAnEventsSubject) {
    EXPECT_EQ(node_of_events_subject("luaos.n1.events"), "n1");
    EXPECT_EQ(node_of_events_subject("luaos.n1.vm.4.events"), "");
    EXPECT_EQ(node_of_events_subject("luaos..events"), "");
    EXPECT_EQ(node_of_events_subject("other.n1.events"), "");
    EXPECT_EQ(node_of_events_subject("luaos.events"), "");
}

TEST(SharedSubjects, ReservedNodeNames) {
    EXPECT_TRUE(is_reserved_node_name("any"));
    EXPECT_TRUE(is_reserved_node_name("vm"));
    EXPECT_TRUE(is_reserved_node_name("net"));  // luaos.net.<address>: the VM network (net_bridge.hpp)
    EXPECT_FALSE(is_reserved_node_name("n1"));
    EXPECT_FALSE(is_reserved_node_name("anything"));
}

TEST(Liveness, APeerBeatingOnTimeIsNeverLost) {
    const auto start = Clock::now();
    Liveness liveness("me", HeartbeatOptions{100ms, 3}, start);
    for (int beat = 0; beat < 50; ++beat) {
        const auto now = start + beat * 100ms;
        liveness.heard("peer", "heartbeat", 100ms, now);
        EXPECT_TRUE(liveness.take_lost(now + 50ms).empty()) << beat;
    }
    EXPECT_EQ(liveness.peers(), std::vector<std::string>{"peer"});
}

TEST(Liveness, APeerSilentForItsMissedBeatsIsLostOnce) {
    const auto start = Clock::now();
    Liveness liveness("me", HeartbeatOptions{100ms, 3}, start);
    liveness.heard("slow", "heartbeat", 1000ms, start);  // beats once a second
    liveness.heard("fast", "heartbeat", 100ms, start);
    EXPECT_TRUE(liveness.take_lost(start + 300ms).empty());  // three beats, not more
    std::vector<LostPeer> lost = liveness.take_lost(start + 301ms);
    ASSERT_EQ(lost.size(), 1u);
    EXPECT_EQ(lost[0].node, "fast");
    EXPECT_EQ(lost[0].silent, 301ms);
    EXPECT_TRUE(liveness.take_lost(start + 3000ms).empty());
    EXPECT_EQ(liveness.take_lost(start + 3001ms).size(), 1u);  // slow, now
    EXPECT_TRUE(liveness.take_lost(start + 9000ms).empty());   // each said once
    EXPECT_TRUE(liveness.peers().empty());
    // A lost peer that beats again is a peer again.
    liveness.heard("fast", "heartbeat", 100ms, start + 9000ms);
    EXPECT_EQ(liveness.peers(), std::vector<std::string>{"fast"});
}

TEST(Liveness, APeerThatStoppedIsForgottenNotLost) {
    const auto start = Clock::now();
    Liveness liveness("me", HeartbeatOptions{100ms, 3}, start);
    liveness.heard("peer", "started", 0ms, start);
    liveness.heard("peer", "stopping", 0ms, start + 10ms);
    liveness.heard("peer", "stopped", 0ms, start + 20ms);
    EXPECT_TRUE(liveness.take_lost(start + 10s).empty());
    EXPECT_TRUE(liveness.peers().empty());
}

TEST(Liveness, ItsOwnEventsAreNoPeers) {
    const auto start = Clock::now();
    Liveness liveness("me", HeartbeatOptions{100ms, 3}, start);
    liveness.heard("me", "heartbeat", 100ms, start);
    EXPECT_TRUE(liveness.peers().empty());
    EXPECT_TRUE(liveness.take_lost(start + 10s).empty());
}

TEST(Liveness, APeerThatNeverSaidItsIntervalIsGivenThisNodes) {
    const auto start = Clock::now();
    Liveness liveness("me", HeartbeatOptions{100ms, 3}, start);
    liveness.heard("peer", "started", 0ms, start);
    EXPECT_TRUE(liveness.take_lost(start + 300ms).empty());
    EXPECT_EQ(liveness.take_lost(start + 301ms).size(), 1u);
}

TEST(Liveness, BeatsAreDueOncePerInterval) {
    const auto start = Clock::now();
    Liveness liveness("me", HeartbeatOptions{100ms, 3}, start);
    EXPECT_TRUE(liveness.beat_due(start));
    EXPECT_FALSE(liveness.beat_due(start + 99ms));
    EXPECT_TRUE(liveness.beat_due(start + 100ms));
    EXPECT_FALSE(liveness.beat_due(start + 150ms));
}

}  // namespace
}  // namespace luaos::service
