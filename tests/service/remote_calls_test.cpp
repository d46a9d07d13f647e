// Host functions served over NATS (docs/serve.md, "Host functions across the
// network"): a script's call reaches a game client as a request, and the
// game's reply, error, silence or garbage decides what the script sees.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "game_client.hpp"
#include "node_fixture.hpp"

namespace luaos::service_test {
namespace {

const Json kGameLibrary = {{"name", "game"}, {"functions", {"price", "buy"}}};

class RemoteCallTest : public NodeTest {
protected:
    // Creates a VM serving the game library whose program "main" runs `code`
    // (with `args`, when booted).
    std::string create_game_vm(const std::string& code, bool boot = true) {
        Json body{{"programs", {{{"name", "main"}, {"code", code}}}}, {"libraries", {kGameLibrary}}};
        if (boot) body["boot"] = {{{"program", "main"}}};
        return create(body);
    }
    // Spawns "main" with `args` on `vm`; its pid.
    int spawn_main(const std::string& vm, const Json& args = Json::array()) {
        Json reply = ask("vm." + vm + ".spawn", {{"program", "main"}, {"args", args}});
        EXPECT_TRUE(ok(reply)) << reply.dump();
        return reply.value("pid", 0);
    }
    // What `pid` printed, once it ended.
    std::string output_at_exit(int pid) {
        Json exit = events->wait_for([pid](const Json& event) { return is_event(event, "exit", pid); });
        EXPECT_FALSE(exit.is_null()) << "no exit of " << pid;
        return output_of(events->seen(), pid);
    }

    std::unique_ptr<Watch> events = client.watch("luaos.t1.vm.*.events");
};

TEST_F(RemoteCallTest, ACallIsAnsweredByTheGame) {
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    const std::string vm = create_game_vm(R"lua(
        local price, note = game.price("ore", {amount = 2, tags = {"a", "b"}}, 1.5, true)
        print(price, note.currency, note.rates[2])
    )lua");

    GameCall call = game.next();
    ASSERT_EQ(call.subject, "luaos.t1.call.game.price");
    ASSERT_FALSE(call.reply.empty());
    EXPECT_EQ(call.body["node"], "t1");
    EXPECT_EQ(call.body["vm"], vm);
    EXPECT_EQ(call.body["pid"], 1);
    EXPECT_EQ(call.body["function"], "game.price");
    // A table's keys come in no particular order: compare as unordered JSON.
    const auto expected_args = nlohmann::json::parse(R"([ "ore", {"amount": 2, "tags": ["a", "b"]}, 1.5, true ])");
    EXPECT_EQ(nlohmann::json::parse(call.body["args"].dump()), expected_args) << call.body.dump();
    game.answer(call, Json{{"result", {12, {{"currency", "gold"}, {"rates", {1, 3}}}}}});

    EXPECT_EQ(output_at_exit(1), "12\tgold\t3\n");
    EXPECT_EQ(ask("stats")["calls_in_flight"], 0);
}

TEST_F(RemoteCallTest, AnErrorReplyIsTheScriptsError) {
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    create_game_vm(R"lua(print(pcall(game.buy, "gold")))lua");
    GameCall call = game.next();
    ASSERT_EQ(call.subject, "luaos.t1.call.game.buy");
    game.answer(call, Json{{"error", "not enough money"}});
    EXPECT_EQ(output_at_exit(1), "false\tgame.buy: not enough money\n");
}

TEST_F(RemoteCallTest, ACallWithoutReplyTimesOutAndTheLateReplyIsIgnored) {
    options.call_timeout = std::chrono::milliseconds(100);
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    create_game_vm(R"lua(print(pcall(game.price, "ore")))lua");
    GameCall call = game.next();
    ASSERT_FALSE(call.subject.empty());
    EXPECT_EQ(output_at_exit(1),
              "false\tgame.price: no reply from the game within 100 ms (luaos.t1.call.game.price)\n");
    game.answer(call, Json{{"result", {1}}});
    Json stats = ask("stats");
    ASSERT_TRUE(ok(stats)) << stats.dump();
    EXPECT_EQ(stats["calls_in_flight"], 0);
}

TEST_F(RemoteCallTest, NoRespondersFailsTheCallAtOnce) {
    // The timeout is far beyond the test's: only "no responders" can end the call.
    options.call_timeout = std::chrono::hours(1);
    start();
    create_game_vm(R"lua(print(pcall(game.price, "ore")))lua");
    EXPECT_EQ(output_at_exit(1), "false\tgame.price: no game server answers luaos.t1.call.game.price\n");
}

TEST_F(RemoteCallTest, AKilledCallerCancelsItsCallWhichHoldsItsSlotUntilTheReply) {
    options.cluster.kernel.process_limits.host_calls = 1;
    options.call_timeout = std::chrono::hours(1);
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    const std::string vm = create_game_vm(R"lua(
        for _ = 1, 10000 do
            local ok, result = pcall(game.price, arg[1])
            if ok or not tostring(result):find("too many", 1, true) or arg[2] == "once" then
                print(ok, result)
                return
            end
            os.sleep(1)
        end
    )lua", /*boot=*/false);

    const int first = spawn_main(vm, {"first"});
    GameCall in_flight = game.next();
    ASSERT_EQ(in_flight.body["args"], Json::array({"first"}));
    ASSERT_TRUE(ok(ask("vm." + vm + ".kill", {{"pid", first}})));
    Json killed = events->wait_for([first](const Json& event) { return is_event(event, "exit", first); });
    EXPECT_EQ(killed["status"], "killed") << killed.dump();

    // The cancelled call still counts against the VM's bound of 1.
    const int refused = spawn_main(vm, {"second", "once"});
    EXPECT_EQ(output_at_exit(refused),
              "false\tgame.price: too many host calls outstanding in this VM (the limit is 1)\n");

    // The late reply is dropped, and frees the slot.
    game.answer(in_flight, Json{{"result", {"too late"}}});
    const int third = spawn_main(vm, {"third"});
    GameCall call = game.next();
    ASSERT_EQ(call.body["args"], Json::array({"third"})) << call.body.dump();
    EXPECT_EQ(call.body["pid"], third);
    game.answer(call, Json{{"result", {"answered"}}});
    EXPECT_EQ(output_at_exit(third), "true\tanswered\n");
    EXPECT_EQ(ask("stats")["calls_in_flight"], 0);
}

TEST_F(RemoteCallTest, ADestroyedVmsCallIsDroppedWhenTheReplyComes) {
    options.call_timeout = std::chrono::hours(1);
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    const std::string vm = create_game_vm(R"lua(print(game.price("ore")))lua");
    GameCall in_flight = game.next();
    ASSERT_FALSE(in_flight.subject.empty());
    ASSERT_TRUE(ok(ask("vm." + vm + ".destroy", {{"reason", "the player left"}})));
    Json exit = events->wait_for([](const Json& event) { return is_event(event, "exit", 1); });
    EXPECT_EQ(exit["status"], "killed") << exit.dump();
    EXPECT_EQ(ask("stats")["calls_in_flight"], 1);

    game.answer(in_flight, Json{{"result", {1}}});
    // The reply is handled on the node's NATS thread: ask until it was.
    Json stats;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        stats = ask("stats");
        if (stats["calls_in_flight"] == 0) break;
    }
    EXPECT_EQ(stats["calls_in_flight"], 0) << stats.dump();
}

TEST_F(RemoteCallTest, ManyVmsOnTwoWorkersCallAtOnceAndEachGetsItsOwnAnswers) {
    options.cluster.threads = 2;
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    constexpr int kVms = 24;
    constexpr int kCallsEach = 3;
    std::map<std::string, int> number_of_vm;
    for (int n = 1; n <= kVms; ++n) {
        Json body{{"programs", {{{"name", "main"}, {"code", R"lua(
                      local total = 0
                      for i = 1, 3 do total = total + game.price(tonumber(arg[1]) + i) end
                      print(total)
                  )lua"}}}},
                  {"libraries", {kGameLibrary}},
                  {"boot", {{{"program", "main"}, {"args", {std::to_string(n)}}}}}};
        number_of_vm[create(body)] = n;
    }
    // The game doubles what it is given; each call names its VM and pid.
    for (int i = 0; i < kVms * kCallsEach; ++i) {
        GameCall call = game.next();
        ASSERT_FALSE(call.subject.empty()) << "call " << i;
        ASSERT_EQ(number_of_vm.count(call.body["vm"].get<std::string>()), 1u) << call.body.dump();
        EXPECT_EQ(call.body["pid"], 1);
        game.answer(call, Json{{"result", {call.body["args"][0].get<int>() * 2}}});
    }
    std::size_t exits = 0;
    auto count_exit = [&exits](const Json& event) { return is_event(event, "exit", 1) && ++exits == kVms; };
    ASSERT_FALSE(events->wait_for(count_exit).is_null()) << exits << " exits of " << kVms;
    for (const auto& [vm, n] : number_of_vm) {
        std::string output;
        for (const Json& event : events->seen()) {
            if (is_event(event, "output", 1) && event["vm"] == vm) output += event.value("data", "");
        }
        EXPECT_EQ(output, std::to_string(6 * n + 12) + "\n") << "VM " << vm;
    }
}

TEST_F(RemoteCallTest, MalformedAndHugeRepliesAreScriptErrors) {
    options.limits.request_bytes = 4096;  // replies too
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    const std::vector<std::string> replies = {
        "not json",
        "",
        "[1, 2]",
        "{}",
        R"({"result": 5})",
        R"({"error": 5})",
        R"({"result": [1], "error": "both"})",
        std::string(100, '[') + std::string(100, ']'),
        R"({"result": [")" + std::string(5000, 'x') + R"("]})",
    };
    create_game_vm(R"lua(
        for i = 1, )lua" + std::to_string(replies.size()) + R"lua( do
            local ok, why = pcall(game.price, i)
            print(i, ok, why)
        end
        print(game.price("last"))
    )lua");
    for (const std::string& reply : replies) {
        GameCall call = game.next();
        ASSERT_FALSE(call.subject.empty());
        game.answer(call, reply);
    }
    GameCall last = game.next();
    ASSERT_EQ(last.body["args"], Json::array({"last"}));
    game.answer(last, Json{{"result", {"still served"}}});

    const std::string output = output_at_exit(1);
    const std::vector<std::string> why = {
        "the body is not valid JSON",
        "it needs exactly one of \"result\" and \"error\"",
        "the body must be a JSON object, not array",
        "it needs exactly one of \"result\" and \"error\"",
        "\"result\" must be an array of the values the call returns",
        "\"error\" must be a string",
        "it needs exactly one of \"result\" and \"error\"",
        "the body nests deeper than 16 levels",
        "larger than 4096 bytes",
    };
    for (std::size_t i = 0; i < why.size(); ++i) {
        const std::string line = std::to_string(i + 1) + "\tfalse\tgame.price: a malformed reply from the game (" +
                                 why[i] + ")\n";
        EXPECT_NE(output.find(line), std::string::npos) << line << "in\n" << output;
    }
    EXPECT_NE(output.find("still served\n"), std::string::npos) << output;
}

TEST_F(RemoteCallTest, ArgumentsWithoutAJsonFormAreRefusedBeforeAnythingIsSent) {
    GameClient game(server.url(), "luaos.t1.call.>");
    start();
    create_game_vm(R"lua(
        print(pcall(game.price, print))
        print(pcall(game.price, {[true] = 1}))
        print(pcall(game.price, "a", {1, 2, x = 3}))
        print(pcall(game.price, {[3] = "gap"}))
        print(pcall(game.price))
        print(game.buy("ok", {}, 0/0, "\255"))
    )lua");
    // The first call the game sees is the last one: nothing was sent before.
    GameCall call = game.next();
    EXPECT_EQ(call.subject, "luaos.t1.call.game.price");
    EXPECT_EQ(call.body["args"], Json::array()) << call.body.dump();
    game.answer(call, Json{{"result", Json::array()}});
    call = game.next();
    EXPECT_EQ(call.subject, "luaos.t1.call.game.buy");
    EXPECT_EQ(call.body["args"].dump(), "[\"ok\",{},null,\"\xef\xbf\xbd\"]") << call.body.dump();
    game.answer(call, Json{{"result", {nullptr, 7}}});

    const std::string output = output_at_exit(1);
    const std::string table_error = "false\tgame.price: argument %: a table sent to the game needs string keys, or "
                                    "the keys 1..n (a JSON object or array)\n";
    EXPECT_NE(output.find("false\tgame.price: "), std::string::npos) << output;
    EXPECT_NE(output.find("function"), std::string::npos) << output;
    for (const char* argument : {"1", "2", "1"}) {
        std::string line = table_error;
        line.replace(line.find('%'), 1, argument);
        EXPECT_NE(output.find(line), std::string::npos) << line << "in\n" << output;
    }
    EXPECT_NE(output.find("true\n"), std::string::npos) << output;
    EXPECT_NE(output.find("nil\t7\n"), std::string::npos) << output;
}

TEST_F(RemoteCallTest, BadLibrariesInACreateAreRefusedAndNoVmIsMade) {
    start();
    const Json program = {{"name", "main"}, {"code", "print(1)"}};
    const std::vector<std::pair<Json, std::string>> bad = {
        {Json{{"name", "1game"}, {"functions", {"a"}}}, "bad_request"},
        {Json{{"name", "ga.me"}, {"functions", {"a"}}}, "bad_request"},
        {Json{{"name", "game"}, {"functions", Json::array()}}, "bad_request"},
        {Json{{"name", "game"}}, "bad_request"},
        {Json{{"name", "game"}, {"functions", {"a", "a"}}}, "bad_request"},
        {Json{{"name", "game"}, {"functions", {"a*"}}}, "bad_request"},
        {Json{{"name", "game"}, {"functions", {"a"}}, {"timeout", 1}}, "bad_request"},
        {Json{{"name", "os"}, {"functions", {"a"}}}, "bad_request"},
        {Json{{"name", "game"}, {"functions", Json(std::vector<std::string>(65, "f"))}}, "too_large"},
        {Json("game"), "bad_request"},
    };
    for (const auto& [library, code] : bad) {
        Json reply = ask("vm.create", {{"programs", {program}}, {"libraries", {library}}});
        EXPECT_FALSE(ok(reply)) << library.dump();
        EXPECT_EQ(reply["error"]["code"], code) << library.dump() << " -> " << reply.dump();
    }
    Json twice = ask("vm.create", {{"libraries", {kGameLibrary, kGameLibrary}}});
    EXPECT_EQ(twice["error"]["code"], "bad_request") << twice.dump();
    Json many = ask("vm.create", {{"libraries", Json(std::vector<Json>(9, kGameLibrary))}});
    EXPECT_EQ(many["error"]["code"], "too_large") << many.dump();
    EXPECT_EQ(ask("vm.list")["vms"].size(), 0u);
}

}  // namespace
}  // namespace luaos::service_test
