// Resolving scripts' paths: canonical forms, and that nothing escapes the VM's root.

#include "store/path.hpp"

#include <gtest/gtest.h>

#include <string>

#include "luaos/file_limits.hpp"

namespace luaos {
namespace {

struct Resolved {
    PathError error;
    std::string path;
};

Resolved resolve(std::string_view cwd, std::string_view path, FileLimits limits = {}) {
    Resolved out;
    out.error = path_resolve(cwd, path, limits, out.path);
    return out;
}

TEST(Path, ResolvesAgainstRootAndWorkingDirectory) {
    EXPECT_EQ(resolve("/", "/").path, "/");
    EXPECT_EQ(resolve("/", "a").path, "/a");
    EXPECT_EQ(resolve("/home", "a/b").path, "/home/a/b");
    EXPECT_EQ(resolve("/home", "/etc/boot").path, "/etc/boot");
    EXPECT_EQ(resolve("/home", ".").path, "/home");
    EXPECT_EQ(resolve("/home/x", "..").path, "/home");
    EXPECT_EQ(resolve("/home/x", "../y/./z/").path, "/home/y/z");
    EXPECT_EQ(resolve("/", "//a///b//").path, "/a/b");
    EXPECT_EQ(resolve("/a", "b/../../c").path, "/c");
}

TEST(Path, DotDotNeverLeavesTheRoot) {
    EXPECT_EQ(resolve("/", "..").path, "/");
    EXPECT_EQ(resolve("/", "../../../../etc/passwd").path, "/etc/passwd");
    EXPECT_EQ(resolve("/a/b", "../../../../..").path, "/");
    EXPECT_EQ(resolve("/a", "/../../home/../../x").path, "/x");
}

TEST(Path, RejectsNamesWithBytesOutsideTheRules) {
    EXPECT_EQ(resolve("/", std::string("a\0b", 3)).error, PathError::BadName);
    EXPECT_EQ(resolve("/", "a\\..\\b").error, PathError::BadName);
    EXPECT_EQ(resolve("/", "tab\there").error, PathError::BadName);
    EXPECT_EQ(resolve("/", "caf\xc3\xa9").error, PathError::BadName);
    EXPECT_EQ(resolve("/", "\x7f").error, PathError::BadName);
    EXPECT_EQ(resolve("/", "").error, PathError::Empty);
    EXPECT_EQ(resolve("/", "with space, and (odd) ~chars!").path, "/with space, and (odd) ~chars!");
    EXPECT_EQ(resolve("/", "...").path, "/...");
}

TEST(Path, BoundsNamesLengthAndDepth) {
    FileLimits limits;
    limits.path_bytes = 40;
    limits.path_depth = 3;
    EXPECT_EQ(resolve("/", std::string(kMaxNameBytes, 'n')).error, PathError::None);
    EXPECT_EQ(resolve("/", std::string(kMaxNameBytes + 1, 'n')).error, PathError::NameTooLong);
    EXPECT_EQ(resolve("/", "a/b/c", limits).error, PathError::None);
    EXPECT_EQ(resolve("/", "a/b/c/d", limits).error, PathError::TooDeep);
    EXPECT_EQ(resolve("/a/b/c", "d", limits).error, PathError::TooDeep);
    EXPECT_EQ(resolve("/a/b/c", "../d", limits).path, "/a/b/d");
    EXPECT_EQ(resolve("/", std::string(41, '/'), limits).error, PathError::TooLong);
    EXPECT_EQ(resolve(std::string("/") + std::string(30, 'x'), std::string(20, 'y'), limits).error,
              PathError::TooLong);
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += "a/";
    EXPECT_EQ(resolve("/", deep).error, PathError::TooLong);
}

TEST(Path, PartsOfCanonicalPaths) {
    EXPECT_EQ(path_parent("/a/b"), "/a");
    EXPECT_EQ(path_parent("/a"), "/");
    EXPECT_EQ(path_parent("/"), "/");
    EXPECT_EQ(path_name("/a/b"), "b");
    EXPECT_EQ(path_name("/"), "");
    EXPECT_EQ(path_join("/", "b"), "/b");
    EXPECT_EQ(path_join("/a", "b"), "/a/b");
    EXPECT_TRUE(path_is_within("/a/b", "/a"));
    EXPECT_TRUE(path_is_within("/a", "/a"));
    EXPECT_TRUE(path_is_within("/a", "/"));
    EXPECT_FALSE(path_is_within("/ab", "/a"));
    EXPECT_TRUE(path_name_is_valid("x.lua"));
    EXPECT_FALSE(path_name_is_valid(".."));
    EXPECT_FALSE(path_name_is_valid("a/b"));
}

}  // namespace
}  // namespace luaos
