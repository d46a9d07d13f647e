#pragma once
// A benchmark's command line: an optional part's name first (a word; "all"
// when there is none), then numbers by position; and which parts run.

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace luaos::bench {

class Parts {
public:
    Parts(int argc, char** argv) : argc_(argc), argv_(argv) {
        if (argc > 1 && std::isalpha(static_cast<unsigned char>(argv[1][0]))) part_ = argv[first_++];
    }

    // The number at `index` after the part's name, or `fallback`.
    long number(int index, long fallback) const {
        return argc_ > first_ + index ? std::atol(argv_[first_ + index]) : fallback;
    }
    double real(int index, double fallback) const {
        return argc_ > first_ + index ? std::atof(argv_[first_ + index]) : fallback;
    }

    const char* part() const { return part_; }
    // Whether the part `name` runs: named, or all of them (a blank line
    // between two that run).
    bool wanted(const char* name) { return runs(all() || named(name)); }
    // Whether the part `name` runs when named only (not with "all").
    bool wanted_alone(const char* name) { return runs(named(name)); }
    // Whether any part ran (when none did, the name was not a part's).
    bool ran() const { return ran_; }

private:
    bool all() const { return std::strcmp(part_, "all") == 0; }
    bool named(const char* name) const { return std::strcmp(part_, name) == 0; }
    bool runs(bool yes) {
        if (yes && ran_) std::printf("\n");
        ran_ = ran_ || yes;
        return yes;
    }

    int argc_;
    char** argv_;
    int first_ = 1;
    const char* part_ = "all";
    bool ran_ = false;
};

}  // namespace luaos::bench
