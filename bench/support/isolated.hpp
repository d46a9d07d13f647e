#pragma once
// Runs a measurement in a forked child, so that what one measurement
// allocates (and the allocator keeps) never counts in the next one's
// resident memory.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <type_traits>

namespace luaos::bench {

// Resident memory of this process, in bytes.
inline double resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    double pages = 0;
    double resident = 0;
    statm >> pages >> resident;
    return resident * double(sysconf(_SC_PAGESIZE));
}

// `measure` runs in a child process; its result comes back through a pipe.
template <typename Result>
Result isolated(const std::function<Result()>& measure) {
    static_assert(std::is_trivially_copyable_v<Result>);
    int fds[2];
    if (pipe(fds) != 0) std::abort();
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        Result result = measure();
        if (write(fds[1], &result, sizeof result) != static_cast<ssize_t>(sizeof result)) _exit(1);
        _exit(0);
    }
    close(fds[1]);
    Result result{};
    const bool complete = read(fds[0], &result, sizeof result) == static_cast<ssize_t>(sizeof result);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!complete || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "a measurement's child process failed\n");
        std::exit(1);
    }
    return result;
}

}  // namespace luaos::bench
