// PointerVector: one element inside, then storage from the runtime's pools.
// (The AddressSanitizer build sees each block on its own: a block release()
// missed is a leak there.)

#include <gtest/gtest.h>

#include <vector>

#include "luaos/detail/pointer_vector.hpp"
#include "luaos/runtime.hpp"

namespace luaos::test {
namespace {

class PointerVectorTest : public ::testing::Test {
protected:
    ~PointerVectorTest() override { list.release(runtime); }

    // Pointers to distinct ints, to push.
    int* item(std::size_t index) { return &items.at(index); }
    std::vector<int*> contents() const { return {list.begin(), list.end()}; }

    Runtime runtime;
    std::vector<int> items = std::vector<int>(100);
    PointerVector<int> list;
};

TEST_F(PointerVectorTest, StartsEmpty) {
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.size(), 0u);
    EXPECT_EQ(list.begin(), list.end());
}

TEST_F(PointerVectorTest, TakesOneWord) { EXPECT_EQ(sizeof(PointerVector<int>), sizeof(int*)); }

TEST_F(PointerVectorTest, HoldsOneElementInside) {
    list.push_back(runtime, item(0));
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list.front(), item(0));
    EXPECT_EQ(list.back(), item(0));
    const auto* self = reinterpret_cast<const char*>(&list);
    const auto* first = reinterpret_cast<const char*>(list.begin());
    EXPECT_TRUE(first >= self && first < self + sizeof list);
}

TEST_F(PointerVectorTest, GrowsKeepingOrder) {
    std::vector<int*> expected;
    for (std::size_t i = 0; i < 100; ++i) {
        list.push_back(runtime, item(i));
        expected.push_back(item(i));
        ASSERT_EQ(contents(), expected);
    }
    EXPECT_EQ(list[42], item(42));
    EXPECT_EQ(list.back(), item(99));
}

TEST_F(PointerVectorTest, ElementsCanBeReplaced) {
    list.push_back(runtime, item(0));
    list.push_back(runtime, item(1));
    list[0] = item(7);
    EXPECT_EQ(contents(), (std::vector<int*>{item(7), item(1)}));
}

TEST_F(PointerVectorTest, AppendsARange) {
    list.push_back(runtime, item(0));
    const std::vector<int*> more{item(1), item(2), item(3)};
    list.append(runtime, more);
    EXPECT_EQ(contents(), (std::vector<int*>{item(0), item(1), item(2), item(3)}));
    list.append(runtime, {});
    EXPECT_EQ(list.size(), 4u);
}

TEST_F(PointerVectorTest, TruncatesAndGrowsAgain) {
    for (std::size_t i = 0; i < 5; ++i) list.push_back(runtime, item(i));
    list.truncate(2);
    EXPECT_EQ(contents(), (std::vector<int*>{item(0), item(1)}));
    list.truncate(0);
    EXPECT_TRUE(list.empty());
    list.push_back(runtime, item(9));
    EXPECT_EQ(contents(), (std::vector<int*>{item(9)}));
}

TEST_F(PointerVectorTest, ReleaseEmptiesAndTheVectorIsUsableAgain) {
    for (std::size_t i = 0; i < 10; ++i) list.push_back(runtime, item(i));
    list.release(runtime);
    EXPECT_TRUE(list.empty());
    list.push_back(runtime, item(3));
    list.push_back(runtime, item(4));
    EXPECT_EQ(contents(), (std::vector<int*>{item(3), item(4)}));
}

TEST_F(PointerVectorTest, ConstAccess) {
    list.push_back(runtime, item(0));
    list.push_back(runtime, item(1));
    const PointerVector<int>& view = list;
    EXPECT_EQ(view[1], item(1));
    EXPECT_EQ(view.end() - view.begin(), 2);
}

}  // namespace
}  // namespace luaos::test
