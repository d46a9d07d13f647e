// Runs one conformance case and compares what it printed with what it says.
//
// usage: luaos_luau_case_runner SCRIPT [lua|luau]
//
// The dialect is Luau for .luau files and Lua otherwise, unless given. The
// script states its expected output in comments: every `-->` comment is one
// expected line of stdout, in order (the text after "--> "; `\t` stands for
// a tab, as print separates its arguments). A case that must fail says so:
//   -- expect: failed
//   -- error: text the error must contain      (repeatable)
// It passes when the process ends as expected and printed exactly those lines.

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "luaos/luaos.hpp"

namespace {

struct Expectation {
    std::string status = "finished";
    std::vector<std::string> errors;
    std::string output;
};

std::string unescape_tabs(const std::string& text) {
    std::string result;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 't') {
            result.push_back('\t');
            ++i;
        } else {
            result.push_back(text[i]);
        }
    }
    return result;
}

Expectation read_expectation(const std::string& code) {
    Expectation expect;
    std::istringstream lines(code);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("-- expect: ", 0) == 0) expect.status = line.substr(11);
        if (line.rfind("-- error: ", 0) == 0) expect.errors.push_back(line.substr(10));
        std::size_t arrow = line.find("-->");
        if (arrow == std::string::npos) continue;
        std::string text = line.substr(arrow + 3);
        if (!text.empty() && text.front() == ' ') text.erase(0, 1);
        expect.output += unescape_tabs(text) + "\n";
    }
    return expect;
}

struct Recorder : luaos::ProcessObserver {
    void on_exit(const luaos::Process& process) override {
        status = luaos::status_name(process.status());
        error = process.error();
        output = process.output();
    }
    std::string status = "running";
    std::string error;
    std::string output;
};

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: luaos_luau_case_runner SCRIPT [lua|luau]\n";
        return 2;
    }
    const std::string path = argv[1];
    std::ifstream file(path, std::ios::binary);
    std::ostringstream contents;
    contents << file.rdbuf();
    if (!file) {
        std::cerr << "cannot read " << path << "\n";
        return 2;
    }
    const std::string code = contents.str();
    luaos::Dialect dialect = ends_with(path, ".luau") ? luaos::Dialect::Luau : luaos::Dialect::Lua;
    if (argc == 3) dialect = std::string(argv[2]) == "luau" ? luaos::Dialect::Luau : luaos::Dialect::Lua;
    const Expectation expect = read_expectation(code);

    Recorder recorder;
    luaos::Runtime runtime;
    runtime.set_observer(&recorder);
    {
        luaos::Os os(runtime);
        os.spawn_process(code, path, dialect);
        os.run(100000);
    }

    bool ok = recorder.status == expect.status && recorder.output == expect.output;
    for (const std::string& error : expect.errors) ok &= recorder.error.find(error) != std::string::npos;
    if (!ok) {
        std::cerr << "FAILED: " << path << "\nstatus: " << recorder.status << " (expected " << expect.status
                  << ")\nerror: " << recorder.error << "\n--- expected output\n"
                  << expect.output << "--- actual output\n"
                  << recorder.output << "---\n";
        for (const std::string& error : expect.errors) std::cerr << "expected error containing: " << error << "\n";
    }
    return ok ? 0 : 1;
}
