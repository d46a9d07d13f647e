// A VM: a UUID v4 identity and one Os.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "luaos/luaos.hpp"

namespace luaos {
namespace {

TEST(Uuid, IsVersion4InCanonicalForm) {
    const std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(Uuid::random_v4().to_string(), form));
}

TEST(Uuid, IsUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) seen.insert(Uuid::random_v4().to_string());
    EXPECT_EQ(seen.size(), 10000u);
}

TEST(VirtualMachine, OwnsAnOsThatKnowsItsVm) {
    Runtime runtime;
    VirtualMachine vm(runtime, 7);
    EXPECT_EQ(vm.serial(), 7u);
    EXPECT_EQ(vm.os().vm(), &vm);
    EXPECT_EQ(&vm.os().runtime(), &runtime);
    vm.os().spawn_process("print('hi')", "hi.lua");
    vm.os().tick();
    EXPECT_TRUE(vm.os().is_finished());
}

}  // namespace
}  // namespace luaos
