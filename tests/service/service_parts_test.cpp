// The node's parts that need no broker: subjects, the request queue, the
// reading of request bodies.

#include <gtest/gtest.h>

#include "service/request_fields.hpp"
#include "service/request_queue.hpp"
#include "service/subjects.hpp"

namespace luaos::service {
namespace {

TEST(Subjects, NamesOfANode) {
    Subjects subjects("n1");
    EXPECT_EQ(subjects.requests(), "luaos.n1.>");
    EXPECT_EQ(subjects.vm_events(42), "luaos.n1.vm.42.events");
    EXPECT_EQ(subjects.node_events(), "luaos.n1.events");
}

TEST(Subjects, ParsesEveryOperationAndNothingElse) {
    Subjects subjects("n1");
    EXPECT_EQ(subjects.parse("luaos.n1.vm.create")->operation, Operation::VmCreate);
    EXPECT_EQ(subjects.parse("luaos.n1.vm.list")->operation, Operation::VmList);
    EXPECT_EQ(subjects.parse("luaos.n1.vm.find")->operation, Operation::VmFind);
    EXPECT_EQ(subjects.parse("luaos.n1.stats")->operation, Operation::NodeStats);
    const std::optional<RequestTarget> spawn = subjects.parse("luaos.n1.vm.17.spawn");
    ASSERT_TRUE(spawn);
    EXPECT_EQ(spawn->operation, Operation::VmSpawn);
    EXPECT_EQ(spawn->vm, 17u);
    for (const char* name : {"status", "stats", "destroy", "stdin", "kill"}) {
        EXPECT_TRUE(subjects.parse(std::string("luaos.n1.vm.3.") + name)) << name;
    }
    EXPECT_EQ(subjects.parse("luaos.n1.vm.x.kill")->vm, 0u);
    for (const char* bad : {"luaos.n2.stats", "luaos.n1", "luaos.n1.", "luaos.n1.vm", "luaos.n1.vm.3.events",
                            "luaos.n1.vm.3.kill.now", "luaos.n1.vm.create.x", "other.n1.stats", "luaos.n1.stats.x"}) {
        EXPECT_FALSE(subjects.parse(bad)) << bad;
    }
}

TEST(Subjects, VmIdsAreCanonicalDecimals) {
    EXPECT_EQ(parse_vm_id("1"), 1u);
    EXPECT_EQ(parse_vm_id("18446744073709551615"), UINT64_MAX);
    for (const char* bad : {"", "0", "01", "-1", "+1", "1x", "18446744073709551616", " 1"}) {
        EXPECT_FALSE(parse_vm_id(bad)) << bad;
    }
}

TEST(Subjects, NodeNamesAreSubjectTokens) {
    EXPECT_TRUE(is_subject_token("node-1_A"));
    EXPECT_TRUE(is_subject_token(std::string(64, 'a')));
    for (const std::string& bad : std::vector<std::string>{"", "a.b", "a*", "a>", "a b", "\xc3\xa9", std::string(65, 'a')}) {
        EXPECT_FALSE(is_subject_token(bad)) << bad;
    }
}

TEST(RequestQueue, RefusesWhenFullAndOnceClosed) {
    RequestQueue queue(2);
    Request first{"s", "r", "1"};
    Request second{"s", "r", "2"};
    Request third{"s", "r", "3"};
    EXPECT_EQ(queue.push(first), Admission::Queued);
    EXPECT_EQ(queue.push(second), Admission::Queued);
    EXPECT_EQ(queue.push(third), Admission::Full);
    EXPECT_EQ(third.body, "3");  // left to the caller, who refuses it
    std::vector<Request> taken = queue.take_all();
    ASSERT_EQ(taken.size(), 2u);
    EXPECT_EQ(taken[0].body, "1");
    EXPECT_EQ(taken[1].body, "2");
    EXPECT_EQ(queue.push(third), Admission::Queued);
    queue.close();
    Request late{"s", "r", "4"};
    EXPECT_EQ(queue.push(late), Admission::Closed);
    EXPECT_EQ(queue.take_all().size(), 1u);
}

std::string code_of(std::string_view body, std::size_t depth = 16) {
    try {
        parse_request_body(body, depth);
    } catch (const RequestError& error) {
        return error.code();
    }
    return "ok";
}

TEST(RequestBody, IsAnObjectOfBoundedDepth) {
    EXPECT_EQ(code_of(""), "ok");
    EXPECT_EQ(code_of(" \n"), "ok");
    EXPECT_EQ(code_of("{}"), "ok");
    EXPECT_EQ(code_of("[]"), "bad_json");
    EXPECT_EQ(code_of("null"), "bad_json");
    EXPECT_EQ(code_of("{"), "bad_json");
    EXPECT_EQ(code_of(R"({"a": [[1]]})", 3), "ok");
    EXPECT_EQ(code_of(R"({"a": [[[1]]]})", 3), "bad_json");
    // Brackets inside strings are text, not nesting.
    EXPECT_EQ(code_of(R"({"a": "[[[[\"[[[["})", 1), "ok");
}

TEST(RequestFields, ChecksTypesRangesAndUnknownFields) {
    const Json body = Json::parse(R"({"n": 5, "s": "text", "b": true, "list": ["x", "y"], "neg": -3, "nil": null})");
    const RequestFields fields(body, "body", {"n", "s", "b", "list", "neg", "nil", "absent"});
    EXPECT_EQ(fields.integer("n", 1, 10), 5u);
    EXPECT_THROW(fields.integer("n", 6, 10), RequestError);
    EXPECT_THROW(fields.integer("neg", 0, 10), RequestError);
    EXPECT_THROW(fields.integer("s", 0, 10), RequestError);
    EXPECT_THROW(fields.integer("absent", 0, 10), RequestError);
    EXPECT_FALSE(fields.optional_integer("nil", 0, 10));
    EXPECT_EQ(fields.string("s", 4), "text");
    EXPECT_THROW(fields.string("s", 3), RequestError);
    EXPECT_TRUE(fields.optional_bool("b", false));
    EXPECT_THROW(fields.optional_bool("n", false), RequestError);
    EXPECT_EQ(fields.optional_strings("list", 2, 2), (std::vector<std::string>{"x", "y"}));
    EXPECT_THROW(fields.optional_strings("list", 1, 10), RequestError);
    EXPECT_THROW(fields.optional_strings("list", 2, 1), RequestError);
    EXPECT_THROW(RequestFields(body, "body", {"n"}), RequestError);
    try {
        RequestFields(body, "body", {"n", "s"});
        FAIL() << "an unknown field was accepted";
    } catch (const RequestError& error) {
        EXPECT_EQ(error.code(), "bad_request");
        EXPECT_NE(std::string(error.what()).find("unknown field"), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace luaos::service
