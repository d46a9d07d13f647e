// TopView (`--top`): the table of the busiest processes, fed by a real Os.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/top_view.hpp"
#include "cli_runner.hpp"
#include "luaos/cluster.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"

namespace luaos::cli_test {
namespace {

using cli::TopView;
using std::chrono::milliseconds;

// One quantum is a long slice: a CPU-bound process is preempted after about
// a millisecond, far longer than the others' slices.
constexpr const char* kBusy = "while true do end";
constexpr const char* kMedium = "while true do for i = 1, 3000 do local _ = i * 2 end coroutine.yield() end";
constexpr const char* kLight = "while true do coroutine.yield() end";
constexpr const char* kShort = "coroutine.yield() return 1";

struct Row {
    std::uint64_t vm = 0;
    Pid pid = 0;
    std::string name;
    std::string status;
    double cpu_ms = 0;
    double share = 0;
    std::uint64_t slices = 0;
    std::uint64_t instructions = 0;
    std::string memory;
};

struct Table {
    std::string header;
    std::vector<Row> rows;
};

// The tables printed one after another, a blank line apart.
std::vector<Table> parse_tables(const std::string& text) {
    std::vector<Table> tables;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty()) continue;
        Table table;
        table.header = line;
        std::getline(lines, line);  // the column names
        EXPECT_NE(line.find("CPU_MS"), std::string::npos) << line;
        while (std::getline(lines, line) && !line.empty()) {
            std::istringstream fields(line);
            Row row;
            fields >> row.vm >> row.pid >> row.name >> row.status >> row.cpu_ms >> row.share >> row.slices >>
                row.instructions >> row.memory;
            EXPECT_FALSE(fields.fail()) << line;
            table.rows.push_back(row);
        }
        tables.push_back(std::move(table));
    }
    return tables;
}

class TopViewOnOneOs : public ::testing::Test {
protected:
    TopViewOnOneOs() : runtime_(RuntimeOptions{.preemption = PreemptionMode::InstructionCount, .quantum = 100000}), os_(runtime_) {}

    void tick(int count) {
        for (int i = 0; i < count; ++i) {
            os_.tick();
            ++ticks_;
        }
    }

    Runtime runtime_;
    Os os_;
    std::uint64_t ticks_ = 0;
};

TEST_F(TopViewOnOneOs, RanksProcessesByCpuTime) {
    std::ostringstream out;
    TopView top(out, 10, milliseconds(0));
    runtime_.set_observer(&top);
    os_.spawn_process(kLight, "light");
    os_.spawn_process(kBusy, "busy");
    os_.spawn_process(kMedium, "medium");
    tick(20);
    top.after_tick(ticks_);
    runtime_.set_observer(nullptr);

    std::vector<Table> tables = parse_tables(out.str());
    ASSERT_EQ(tables.size(), 1u) << out.str();
    const Table& table = tables[0];
    EXPECT_NE(table.header.find("tick 20"), std::string::npos) << table.header;
    EXPECT_NE(table.header.find("3 live processes"), std::string::npos) << table.header;
    ASSERT_EQ(table.rows.size(), 3u) << out.str();
    EXPECT_EQ(table.rows[0].name, "busy");
    EXPECT_EQ(table.rows[0].pid, 2u);
    EXPECT_EQ(table.rows[1].name, "medium");
    EXPECT_EQ(table.rows[2].name, "light");
    double shares = 0;
    for (const Row& row : table.rows) {
        EXPECT_EQ(row.vm, 0u);
        EXPECT_EQ(row.status, "running");
        EXPECT_EQ(row.slices, 20u);
        EXPECT_GT(row.cpu_ms, 0.0);
        shares += row.share;
    }
    EXPECT_GE(table.rows[0].cpu_ms, table.rows[1].cpu_ms);
    EXPECT_GE(table.rows[1].cpu_ms, table.rows[2].cpu_ms);
    EXPECT_GT(table.rows[0].share, 50.0);
    EXPECT_NEAR(shares, 100.0, 0.5);
    EXPECT_GE(table.rows[0].instructions, 20u * 100000u);
    EXPECT_GT(table.rows[0].instructions, table.rows[1].instructions);
    EXPECT_NE(table.rows[0].memory, "0B");
}

TEST_F(TopViewOnOneOs, EachTableCoversOnlyItsInterval) {
    std::ostringstream out;
    TopView top(out, 10, milliseconds(0));
    runtime_.set_observer(&top);
    os_.spawn_process(kLight, "light");
    tick(3);
    top.after_tick(ticks_);
    tick(2);
    top.after_tick(ticks_);
    runtime_.set_observer(nullptr);

    std::vector<Table> tables = parse_tables(out.str());
    ASSERT_EQ(tables.size(), 2u) << out.str();
    ASSERT_EQ(tables[0].rows.size(), 1u);
    EXPECT_EQ(tables[0].rows[0].slices, 3u);
    ASSERT_EQ(tables[1].rows.size(), 1u);
    EXPECT_EQ(tables[1].rows[0].slices, 2u);
    EXPECT_NE(tables[1].header.find("tick 5"), std::string::npos) << tables[1].header;
    // Not a terminal: no escape sequences, tables a blank line apart.
    EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
    EXPECT_NE(out.str().find("\n\nluaos top"), std::string::npos);
}

TEST_F(TopViewOnOneOs, EndedProcessIsShownOnceThenDropped) {
    std::ostringstream out;
    TopView top(out, 10, milliseconds(0));
    runtime_.set_observer(&top);
    os_.spawn_process(kLight, "light");
    os_.spawn_process(kShort, "short");
    os_.spawn_process("local x = = 1", "broken");  // fails at once, without a slice
    tick(2);
    top.after_tick(ticks_);
    tick(1);
    top.after_tick(ticks_);
    runtime_.set_observer(nullptr);

    std::vector<Table> tables = parse_tables(out.str());
    ASSERT_EQ(tables.size(), 2u) << out.str();
    EXPECT_NE(tables[0].header.find("1 live processes"), std::string::npos) << tables[0].header;
    ASSERT_EQ(tables[0].rows.size(), 3u) << out.str();
    for (const Row& row : tables[0].rows) {
        if (row.name == "short") {
            EXPECT_EQ(row.status, "finished");
            EXPECT_EQ(row.slices, 2u);
        } else if (row.name == "broken") {
            EXPECT_EQ(row.status, "failed");
            EXPECT_EQ(row.slices, 0u);
        } else {
            EXPECT_EQ(row.name, "light");
            EXPECT_EQ(row.status, "running");
        }
    }
    ASSERT_EQ(tables[1].rows.size(), 1u) << out.str();
    EXPECT_EQ(tables[1].rows[0].name, "light");
}

TEST_F(TopViewOnOneOs, ShowsAtMostRowsProcesses) {
    std::ostringstream out;
    TopView top(out, 2, milliseconds(0));
    runtime_.set_observer(&top);
    os_.spawn_process(kLight, "light");
    os_.spawn_process(kBusy, "busy");
    os_.spawn_process(kLight, "light2");
    tick(2);
    top.after_tick(ticks_);
    runtime_.set_observer(nullptr);

    std::vector<Table> tables = parse_tables(out.str());
    ASSERT_EQ(tables.size(), 1u);
    ASSERT_EQ(tables[0].rows.size(), 2u);
    EXPECT_EQ(tables[0].rows[0].name, "busy");
    EXPECT_NE(tables[0].header.find("3 live processes"), std::string::npos) << tables[0].header;
}

TEST_F(TopViewOnOneOs, WaitsForTheIntervalAndFinishPrintsTheRest) {
    std::ostringstream out;
    TopView top(out, 10, std::chrono::hours(1));
    runtime_.set_observer(&top);
    os_.spawn_process(kLight, "light");
    tick(3);
    top.after_tick(1);
    top.after_tick(2);
    top.after_tick(3);
    EXPECT_EQ(out.str(), "") << "an hour has not passed";
    top.finish();
    runtime_.set_observer(nullptr);

    std::vector<Table> tables = parse_tables(out.str());
    ASSERT_EQ(tables.size(), 1u) << out.str();
    EXPECT_NE(tables[0].header.find("tick 3"), std::string::npos) << tables[0].header;
    ASSERT_EQ(tables[0].rows.size(), 1u);
    EXPECT_EQ(tables[0].rows[0].slices, 3u);
}

TEST_F(TopViewOnOneOs, FinishAddsNothingRightAfterATable) {
    std::ostringstream out;
    TopView top(out, 10, milliseconds(0));
    runtime_.set_observer(&top);
    os_.spawn_process(kLight, "light");
    tick(1);
    top.after_tick(1);
    top.finish();
    runtime_.set_observer(nullptr);
    EXPECT_EQ(parse_tables(out.str()).size(), 1u) << out.str();
}

TEST(TopViewOnACluster, NamesEachVmAndCountsEveryThread) {
    // Observed only after spawning, as the CLI does: processes are learnt
    // from their slices.
    Cluster cluster(ClusterOptions{.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 1000}, .threads = 3});
    for (int vm = 0; vm < 6; ++vm) {
        cluster.create_vm().os().spawn_process(kLight, "light");
        cluster.create_vm().os().spawn_process(kShort, "short");
    }
    std::ostringstream out;
    TopView top(out, 100, milliseconds(0));
    cluster.set_observer(&top);
    for (int i = 0; i < 4; ++i) cluster.tick();
    top.after_tick(cluster.ticks());
    cluster.set_observer(nullptr);

    std::vector<Table> tables = parse_tables(out.str());
    ASSERT_EQ(tables.size(), 1u) << out.str();
    EXPECT_NE(tables[0].header.find("tick 4"), std::string::npos) << tables[0].header;
    EXPECT_NE(tables[0].header.find("6 live processes"), std::string::npos) << tables[0].header;
    ASSERT_EQ(tables[0].rows.size(), 12u) << out.str();
    std::vector<bool> seen(12, false);
    for (const Row& row : tables[0].rows) {
        ASSERT_LT(row.vm, 12u);
        seen[row.vm] = true;
        EXPECT_EQ(row.pid, 1u);
        EXPECT_EQ(row.name, row.vm % 2 == 0 ? "light" : "short");
        EXPECT_EQ(row.slices, row.vm % 2 == 0 ? 4u : 2u);
        EXPECT_EQ(row.status, row.vm % 2 == 0 ? "running" : "finished");
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 12);
}


TEST(TopOption, PrintsATableOnStderr) {
    CliResult result = run_luaos({"run", "--top", "--quantum", "100", script("count_a.lua"), script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    // The processes' output is untouched on stdout.
    EXPECT_EQ(result.out, "A1\nhello\nworld\nA2\nA3\nA4\nA5\n");
    // The run is far shorter than a refresh: the final table alone.
    std::vector<Table> tables = parse_tables(result.err);
    ASSERT_EQ(tables.size(), 1u) << result.err;
    EXPECT_NE(tables[0].header.find("luaos top | tick "), std::string::npos) << result.err;
    // Rows are ordered by CPU time, which is the machine's to decide: under a
    // sanitizer hello.lua's first slice has outlasted all of count_a.lua's.
    const std::vector<Row>& rows = tables[0].rows;
    ASSERT_EQ(rows.size(), 2u) << result.err;
    for (const auto& [name, pid] : {std::pair{"count_a.lua", 1u}, std::pair{"hello.lua", 2u}}) {
        auto row = std::find_if(rows.begin(), rows.end(),
                                [&](const Row& r) { return r.name.find(name) != std::string::npos; });
        ASSERT_NE(row, rows.end()) << name << " missing from\n" << result.err;
        EXPECT_EQ(row->vm, 0u) << name;
        EXPECT_EQ(row->pid, pid) << name;
        EXPECT_EQ(row->status, "finished") << name;
    }
}

TEST(TopOption, LeavesTheJsonReportWhole) {
    CliResult result = run_luaos({"run", "--json", "--top", "--vms", "3", "--threads", "2", "--quantum", "100",
                                  script("count_a.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(nlohmann::json::parse(result.out)["vms"].size(), 3u);
    std::vector<Table> tables = parse_tables(result.err);
    ASSERT_EQ(tables.size(), 1u) << result.err;
    EXPECT_EQ(tables[0].rows.size(), 3u) << result.err;
}

// On a terminal: long enough (1.5 s at 20 ticks a second) for the table of
// the first second and the final one, at least. print_forever.lua prints a line a tick.
const std::vector<std::string> kTwoTables = {"run", "--top", "--tps", "20", "--ticks", "30",
                                             script("print_forever.lua")};

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t count = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
    return count;
}

// Scripts print on the same terminal: a table never erases or clears what
// they printed; each follows the output before it.
TEST(TopOnATerminal, SharedWithStdoutItNeitherClearsNorErases) {
    CliResult result = CliSession(kTwoTables, {.terminal = Terminal::Both, .environment = {"TERM=xterm", "NO_COLOR"}}).finish();
    ASSERT_EQ(result.exit_code, 3) << result.out;
    EXPECT_EQ(result.out.find('\x1b'), std::string::npos) << "no escape sequence at all:\n" << result.out;
    EXPECT_EQ(count_of(result.out, "tick\n"), 30u) << result.out;
    EXPECT_GE(count_of(result.out, "luaos top | tick "), 2u) << result.out;
}

// stdout elsewhere: the table redraws itself in place, erasing only the
// lines of the table before it, never the screen.
TEST(TopOnATerminal, AloneOnItRedrawsOnlyItsOwnLines) {
    CliResult result =
        CliSession(kTwoTables, {.terminal = Terminal::StderrOnly, .environment = {"TERM=xterm", "NO_COLOR"}}).finish();
    ASSERT_EQ(result.exit_code, 3) << result.err;
    EXPECT_EQ(count_of(result.out, "tick\n"), 30u);
    EXPECT_EQ(result.err.find("\x1b[2J"), std::string::npos) << "the screen is not cleared";
    EXPECT_EQ(result.err.find("\x1b[H"), std::string::npos) << "the cursor is not sent home";
    // The second table: up over the first table's lines (its header, the
    // column names and one row), erase below, draw.
    const std::size_t tables = count_of(result.err, "luaos top | tick ");
    EXPECT_GE(tables, 2u) << result.err;
    EXPECT_EQ(count_of(result.err, "\x1b[3A\r\x1b[J" "luaos top | tick "), tables - 1) << result.err;
    EXPECT_EQ(count_of(result.err, "\x1b["), 2 * (tables - 1)) << "no other escape sequence:\n" << result.err;
}

TEST(TopOnATerminal, DumbTerminalOrNoColorGetsNoEscapeSequences) {
    for (const std::vector<std::string>& environment :
         {std::vector<std::string>{"TERM=dumb", "NO_COLOR"}, {"TERM=xterm", "NO_COLOR=1"}}) {
        const std::string setting = environment[0] + " " + environment[1];
        CliResult result =
            CliSession(kTwoTables, {.terminal = Terminal::StderrOnly, .environment = environment}).finish();
        ASSERT_EQ(result.exit_code, 3) << setting << ": " << result.err;
        EXPECT_EQ(result.err.find('\x1b'), std::string::npos) << setting << ":\n" << result.err;
        EXPECT_GE(count_of(result.err, "luaos top | tick "), 2u) << setting << ":\n" << result.err;
    }
}

}  // namespace
}  // namespace luaos::cli_test
