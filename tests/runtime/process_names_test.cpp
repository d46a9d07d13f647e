// ProcessNames: one stored copy per distinct name, freed with its last bearer.

#include <gtest/gtest.h>

#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "runtime/process_names.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos::test {
namespace {

TEST(ProcessNames, ABorneNameIsStoredOnce) {
    ProcessNames names;
    const std::string* first = names.acquire("shell.lua");
    const std::string* second = names.acquire(std::string("shell.lua"));
    EXPECT_EQ(first, second);
    EXPECT_EQ(*first, "shell.lua");
    EXPECT_EQ(names.size(), 1u);
    names.release(first);
    names.release(second);
}

TEST(ProcessNames, DistinctNamesAreKeptApart) {
    ProcessNames names;
    const std::string* a = names.acquire("a");
    const std::string* b = names.acquire("b");
    const std::string* empty = names.acquire("");
    EXPECT_NE(a, b);
    EXPECT_EQ(*a, "a");
    EXPECT_EQ(*b, "b");
    EXPECT_EQ(*empty, "");
    EXPECT_EQ(names.size(), 3u);
    names.release(a);
    names.release(b);
    names.release(empty);
    EXPECT_EQ(names.size(), 0u);
}

TEST(ProcessNames, TheLastBearerFreesTheName) {
    ProcessNames names;
    const std::string* first = names.acquire("x");
    const std::string* second = names.acquire("x");
    names.release(first);
    EXPECT_EQ(names.size(), 1u);
    EXPECT_EQ(*second, "x");
    names.release(second);
    EXPECT_EQ(names.size(), 0u);
}

TEST(ProcessNames, ProcessesOfOneRuntimeShareTheirNames) {
    Runtime runtime;
    {
        Os first(runtime);
        Os second(runtime);
        first.spawn_process("coroutine.yield()", "same.lua");
        second.spawn_process("coroutine.yield()", "same.lua");
        first.spawn_process("syntax error", "broken.lua");
        ASSERT_EQ(second.processes().size(), 1u);
        EXPECT_EQ(&first.processes().front()->name(), &second.processes().front()->name());
        EXPECT_EQ(first.processes().back()->name(), "broken.lua");
        EXPECT_EQ(RuntimeAccess::process_names(runtime).size(), 2u);
    }
    EXPECT_EQ(RuntimeAccess::process_names(runtime).size(), 0u);
}

}  // namespace
}  // namespace luaos::test
