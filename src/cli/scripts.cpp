#include "cli/scripts.hpp"

#include <cerrno>
#include <cstring>
#include <string_view>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace luaos::cli {
namespace {

[[noreturn]] void throw_unreadable(const std::string& path, int error) {
    throw UnreadableScript("cannot read " + path + ": " + std::strerror(error));
}

// Closes the descriptor on every way out of read_script.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

Script read_script(const std::string& path) {
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.get() < 0) throw_unreadable(path, errno);
    // Opening a directory succeeds; say why it is not a script up front
    // rather than through whatever read() makes of it.
    struct stat info {};
    if (::fstat(file.get(), &info) != 0) throw_unreadable(path, errno);
    if (S_ISDIR(info.st_mode)) throw_unreadable(path, EISDIR);

    Script script{path, {}};
    // Read to the end rather than trust st_size: pipes and /proc files report 0.
    char buffer[1 << 16];
    for (;;) {
        ssize_t count = ::read(file.get(), buffer, sizeof buffer);
        if (count == 0) break;
        if (count < 0) {
            if (errno == EINTR) continue;
            throw_unreadable(path, errno);
        }
        script.code.append(buffer, static_cast<std::size_t>(count));
    }
    return script;
}

}  // namespace

std::vector<Script> read_scripts(const std::vector<std::string>& paths) {
    std::vector<Script> scripts;
    scripts.reserve(paths.size());
    for (const std::string& path : paths) scripts.push_back(read_script(path));
    return scripts;
}

std::vector<std::shared_ptr<const Program>> read_programs(
    const std::vector<std::pair<std::string, std::string>>& programs, Dialect dialect) {
    std::vector<std::shared_ptr<const Program>> read;
    read.reserve(programs.size());
    for (const auto& [name, path] : programs) {
        Script script = read_script(path);
        const bool luau = std::string_view(path).ends_with(".luau");
        read.push_back(std::make_shared<const Program>(
            Program{name, std::move(script.code), path, luau ? Dialect::Luau : dialect}));
    }
    return read;
}

}  // namespace luaos::cli
