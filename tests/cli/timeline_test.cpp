// `luaos run --timeline FILE.svg` end to end, the TimelineSvg behind it on a
// real Cluster (its bounds, its escaping), and the picture rendered by
// rsvg-convert.

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "cli/timeline_svg.hpp"
#include "cli_runner.hpp"
#include "luaos/cluster.hpp"
#include "luaos/os.hpp"

namespace luaos::cli_test {
namespace {

constexpr const char* kRsvgConvert = "/usr/bin/rsvg-convert";
constexpr const char* kXmllint = "/usr/bin/xmllint";
const std::string kDot = "\xc2\xb7";  // the middle dot of "vm N · pid P"

std::string make_temp_dir() {
    std::string pattern = testing::TempDir() + "luaos_timeline_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs `command` through the shell; its stdout, and its exit status in `status`.
std::string capture(const std::string& command, int& status) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
    char buffer[1 << 16];
    for (std::size_t count; (count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, count);
    status = ::pclose(pipe);
    return out;
}

bool valid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3
                                            : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0u) != 0x80u) return false;
        }
        i += length;
    }
    return true;
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '-' || c == '_' || c == '.';
}

// Whether text[at] starts a predefined entity or a character reference.
bool valid_reference(const std::string& text, std::size_t at) {
    static const std::regex reference("^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);");
    return std::regex_search(text.substr(at, 12), reference);
}

// A small well-formedness check, enough for what the timeline writes: one
// root element, balanced tags, quoted and unique attributes, only predefined
// entities and character references, valid UTF-8, no stray '<' or '&'.
// Empty when well formed; otherwise what is wrong, and where.
std::string xml_problem(const std::string& text) {
    if (!valid_utf8(text)) return "invalid UTF-8";
    std::size_t i = 0;
    const auto at = [&](const std::string& what) { return what + " at byte " + std::to_string(i); };
    if (text.compare(0, 5, "<?xml") == 0) {
        i = text.find("?>");
        if (i == std::string::npos) return "unterminated XML declaration";
        i += 2;
    }
    std::vector<std::string> open;
    bool root_seen = false;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '&') {
            if (!valid_reference(text, i)) return at("stray '&'");
            i = text.find(';', i) + 1;
            continue;
        }
        if (c != '<') {
            if (open.empty() && std::isspace(static_cast<unsigned char>(c)) == 0) return at("text outside the root");
            ++i;
            continue;
        }
        if (text.compare(i, 4, "<!--") == 0) {
            std::size_t end = text.find("-->", i);
            if (end == std::string::npos) return at("unterminated comment");
            i = end + 3;
            continue;
        }
        const bool closing = i + 1 < text.size() && text[i + 1] == '/';
        std::size_t j = i + (closing ? 2 : 1);
        const std::size_t name_start = j;
        while (j < text.size() && is_name_char(text[j])) ++j;
        const std::string name = text.substr(name_start, j - name_start);
        if (name.empty()) return at("a tag without a name");
        if (closing) {
            while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j])) != 0) ++j;
            if (j >= text.size() || text[j] != '>') return at("malformed </" + name + ">");
            if (open.empty() || open.back() != name) return at("</" + name + "> closes nothing open");
            open.pop_back();
            i = j + 1;
            continue;
        }
        if (open.empty() && root_seen) return at("a second root element");
        root_seen = true;
        std::set<std::string> attributes;
        for (;;) {
            const std::size_t before = j;
            while (j < text.size() && std::isspace(static_cast<unsigned char>(text[j])) != 0) ++j;
            if (j >= text.size()) return at("unterminated <" + name + ">");
            if (text.compare(j, 2, "/>") == 0) {
                j += 2;
                break;
            }
            if (text[j] == '>') {
                open.push_back(name);
                ++j;
                break;
            }
            if (j == before) return at("no space before an attribute of <" + name + ">");
            const std::size_t attribute_start = j;
            while (j < text.size() && is_name_char(text[j])) ++j;
            const std::string attribute = text.substr(attribute_start, j - attribute_start);
            if (attribute.empty()) return at("a malformed attribute of <" + name + ">");
            if (!attributes.insert(attribute).second) return at("a duplicate attribute " + attribute);
            if (j + 1 >= text.size() || text[j] != '=' || (text[j + 1] != '"' && text[j + 1] != '\'')) {
                return at("attribute " + attribute + " without a quoted value");
            }
            const char quote = text[j + 1];
            const std::size_t value_end = text.find(quote, j + 2);
            if (value_end == std::string::npos) return at("an unterminated value of " + attribute);
            for (std::size_t k = j + 2; k < value_end; ++k) {
                if (text[k] == '<') return at("'<' in the value of " + attribute);
                if (text[k] == '&' && !valid_reference(text, k)) return at("stray '&' in the value of " + attribute);
            }
            j = value_end + 1;
        }
        i = j;
    }
    if (!open.empty()) return "<" + open.back() + "> is never closed";
    if (!root_seen) return "no root element";
    return "";
}

// Every row label, in document order.
std::vector<std::string> row_labels(const std::string& svg) {
    static const std::regex label("font-family=\"monospace\" font-size=\"10\">(vm [^<]*)</text>");
    std::vector<std::string> labels;
    for (std::sregex_iterator it(svg.begin(), svg.end(), label), end; it != end; ++it) labels.push_back((*it)[1]);
    return labels;
}

void expect_well_formed(const std::string& svg, const std::string& path) {
    EXPECT_EQ(xml_problem(svg), "");
    // xmllint (Debian's libxml2-utils, installed by scripts/install-deps test)
    // is the reference, when present.
    if (::access(kXmllint, X_OK) == 0) {
        int status = 0;
        std::string out = capture(std::string(kXmllint) + " --noout '" + path + "' 2>&1", status);
        EXPECT_EQ(status, 0) << out;
    }
}

class TimelineFile : public testing::Test {
protected:
    void SetUp() override { dir_ = make_temp_dir(); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // `luaos run --vms 2 --timeline` of count_a.lua (finishes after several
    // ticks) and runtime_error.lua (fails at once).
    std::string draw_two_vms() {
        const std::string path = dir_ + "/run.svg";
        CliResult result = run_luaos({"run", "--vms", "2", "--threads", "2", "--timeline", path,
                                      script("count_a.lua"), script("runtime_error.lua")});
        EXPECT_EQ(result.exit_code, 1) << result.err;
        return path;
    }

    std::string dir_;
};

TEST_F(TimelineFile, WellFormedSvgWithARowPerProcessAndTheLegend) {
    const std::string path = draw_two_vms();
    const std::string svg = read_file(path);
    expect_well_formed(svg, path);
    EXPECT_NE(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
    EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);

    const std::vector<std::string> expected = {
        "vm 0 " + kDot + " pid 1 ", "vm 0 " + kDot + " pid 2 ", "vm 1 " + kDot + " pid 1 ", "vm 1 " + kDot + " pid 2 "};
    std::vector<std::string> labels = row_labels(svg);
    ASSERT_EQ(labels.size(), expected.size()) << svg;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        EXPECT_EQ(labels[i].rfind(expected[i], 0), 0u) << labels[i];
        EXPECT_NE(labels[i].find(i % 2 == 0 ? "count_a.lua" : "runtime_error.lua"), std::string::npos) << labels[i];
    }
    // The legend names every outcome; the title gives the totals.
    for (const char* outcome : {">finished<", ">failed<", ">killed<", ">running<"}) {
        EXPECT_NE(svg.find(outcome), std::string::npos) << outcome;
    }
    EXPECT_NE(svg.find("2 VMs " + kDot + " 4 processes (2 finished, 2 failed, 0 killed, 0 running)"), std::string::npos);
    EXPECT_NE(svg.find("each column is 1 tick"), std::string::npos);
    // The failed processes' rows are drawn in the failure colour, and their
    // tooltips carry the error.
    EXPECT_NE(svg.find("fill=\"#d62728\" fill-opacity"), std::string::npos);
    EXPECT_NE(svg.find("failed, CPU"), std::string::npos);
    EXPECT_NE(svg.find("boom</title>"), std::string::npos);
    EXPECT_EQ(svg.find("showing the"), std::string::npos) << "no row is left out";
}

// The picture's size in pixels, from a PNG's IHDR chunk; {0, 0} if `png` is not one.
std::pair<unsigned, unsigned> png_size(const std::string& png) {
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
    auto word = [&](std::size_t at) {
        unsigned value = 0;
        for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(png[at + i]);
        return value;
    };
    return {word(16), word(20)};
}

// Renders `svg_path` to PNG with rsvg-convert (librsvg, as GNOME and many
// tools draw SVG); its exit status, and the PNG in `png`.
int render(const std::string& svg_path, std::string& png) {
    const std::string png_path = svg_path + ".png";
    int status = 0;
    const std::string out =
        capture(std::string(kRsvgConvert) + " --format=png --output='" + png_path + "' '" + svg_path + "' 2>&1", status);
    png = read_file(png_path);
    if (status != 0) std::cout << out;
    return status;
}

// The file loads and draws as an SVG document, at the size it declares; a
// truncated copy of it does not (so that the check can fail).
TEST_F(TimelineFile, RendersWithRsvgConvert) {
    ASSERT_EQ(::access(kRsvgConvert, X_OK), 0)
        << kRsvgConvert << " is not installed (Debian's librsvg2-bin; scripts/install-deps test installs it)";
    const std::string path = draw_two_vms();
    const std::string svg = read_file(path);
    std::string png;
    ASSERT_EQ(render(path, png), 0);
    std::smatch size;
    ASSERT_TRUE(std::regex_search(svg, size, std::regex("<svg [^>]*width=\"([0-9.]+)\" height=\"([0-9.]+)\"")));
    const std::pair<unsigned, unsigned> expected{static_cast<unsigned>(std::stod(size[1])),
                                                 static_cast<unsigned>(std::stod(size[2]))};
    EXPECT_EQ(png_size(png), expected);

    const std::string truncated = dir_ + "/truncated.svg";
    std::ofstream(truncated, std::ios::binary) << svg.substr(0, svg.size() / 2);
    EXPECT_NE(render(truncated, png), 0) << "rsvg-convert drew a truncated SVG";
}

TEST_F(TimelineFile, UnopenableFileIsBadUsageAndNothingRuns) {
    const std::string path = dir_ + "/missing/dir/t.svg";
    CliResult result = run_luaos({"run", "--timeline", path, script("hello.lua")});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "") << "hello.lua must not run";
    EXPECT_NE(result.err.find("luaos: --timeline: cannot open " + path), std::string::npos) << result.err;
}

TEST_F(TimelineFile, MissingValueIsBadUsage) {
    CliResult result = run_luaos({"run", script("hello.lua"), "--timeline"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("--timeline"), std::string::npos) << result.err;
}

// TimelineSvg on a real Cluster.
struct Drawing {
    std::string svg;
    std::uint64_t ticks_per_column = 0;
};

Drawing draw(std::size_t max_columns, std::size_t max_rows, std::uint64_t ticks, std::uint32_t quantum,
             const std::vector<std::pair<std::string, std::string>>& scripts) {
    std::ostringstream out;
    cli::TimelineSvg timeline(out, max_columns, max_rows);
    ClusterOptions cluster_options;
    cluster_options.runtime.preemption = PreemptionMode::InstructionCount;
    cluster_options.runtime.quantum = quantum;
    Cluster cluster(cluster_options);
    cluster.set_observer(&timeline);
    Os& os = cluster.create_vm().os();
    for (const auto& [code, name] : scripts) os.spawn_process(code, name);
    RunOptions options;
    options.max_ticks = ticks;
    options.after_tick = [&] { timeline.after_tick(cluster.ticks()); };
    cluster.run(options);
    EXPECT_TRUE(timeline.finish());
    return {out.str(), timeline.ticks_per_column()};
}

TEST(TimelineSvg, ManyTicksAreBucketedIntoAtMostMaxColumns) {
    // 100 ticks in at most 10 columns: buckets of 16 ticks, 7 columns.
    Drawing drawing = draw(10, 200, 1000, 1000, {{"for i = 1, 99 do coroutine.yield() end", "long"}});
    EXPECT_EQ(xml_problem(drawing.svg), "");
    EXPECT_EQ(drawing.ticks_per_column, 16u);
    EXPECT_NE(drawing.svg.find("each column is 16 ticks"), std::string::npos);
    EXPECT_NE(drawing.svg.find("100 ticks"), std::string::npos);
    // One run of columns, from the first to the last, in one rect.
    EXPECT_EQ(row_labels(drawing.svg).size(), 1u);
    std::size_t runs = 0;
    for (std::size_t at = 0; (at = drawing.svg.find("fill=\"#2ca02c\" fill-opacity", at)) != std::string::npos; ++at) {
        ++runs;
    }
    EXPECT_EQ(runs, 1u);
    EXPECT_NE(drawing.svg.find(">100</text>"), std::string::npos) << "the axis reaches the last tick";
}

TEST(TimelineSvg, ManyProcessesShowOnlyTheBusiest) {
    // A long quantum makes the busy loops' slices a thousand times the light ones'.
    const std::string busy = "while true do end";
    const std::string light = "while true do coroutine.yield() end";
    Drawing drawing = draw(2000, 2, 10, 1'000'000,
                           {{light, "light-1"}, {busy, "busy-2"}, {light, "light-3"}, {busy, "busy-4"}, {light, "light-5"}});
    EXPECT_EQ(xml_problem(drawing.svg), "");
    EXPECT_NE(drawing.svg.find("showing the 2 busiest of 5 processes"), std::string::npos);
    std::vector<std::string> labels = row_labels(drawing.svg);
    ASSERT_EQ(labels.size(), 2u);
    EXPECT_EQ(labels[0], "vm 0 " + kDot + " pid 2 busy-2");
    EXPECT_EQ(labels[1], "vm 0 " + kDot + " pid 4 busy-4");
    EXPECT_NE(drawing.svg.find("5 processes (0 finished, 0 failed, 0 killed, 5 running)"), std::string::npos);
}

TEST(TimelineSvg, NamesAndErrorsOfAnyBytesAreEscaped) {
    const std::string name = "<b>&\"x'\xff\x01";
    Drawing drawing = draw(2000, 200, 10, 1000, {{"error('<&>\\255')", name}});
    EXPECT_EQ(xml_problem(drawing.svg), "");
    std::vector<std::string> labels = row_labels(drawing.svg);
    ASSERT_EQ(labels.size(), 1u);
    EXPECT_EQ(labels[0], "vm 0 " + kDot + " pid 1 &lt;b&gt;&amp;&quot;x&#39;\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(TimelineSvg, AnEmptyRunIsStillAPicture) {
    Drawing drawing = draw(2000, 200, 10, 1000, {});
    EXPECT_EQ(xml_problem(drawing.svg), "");
    EXPECT_NE(drawing.svg.find("no processes"), std::string::npos);
}

TEST(TimelineSvg, TheCheckerCatchesMalformedXml) {
    EXPECT_NE(xml_problem("<svg><text>a & b</text></svg>"), "");
    EXPECT_NE(xml_problem("<svg><g></svg>"), "");
    EXPECT_NE(xml_problem("<svg x=1/>"), "");
    EXPECT_NE(xml_problem("<svg/><svg/>"), "");
    EXPECT_NE(xml_problem("<svg>\xff</svg>"), "");
    EXPECT_EQ(xml_problem("<?xml version=\"1.0\"?>\n<svg a=\"&lt;\"><t>&amp;&#39;</t></svg>\n"), "");
}

}  // namespace
}  // namespace luaos::cli_test
