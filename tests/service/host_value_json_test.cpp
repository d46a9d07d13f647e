// HostValues as JSON and back (service/host_value_json.hpp), without a broker.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "service/host_value_json.hpp"

namespace luaos::service {
namespace {

TEST(HostValueJson, ScalarsAreJsonsOwn) {
    EXPECT_EQ(host_value_to_json(HostValue()), Json(nullptr));
    EXPECT_EQ(host_value_to_json(HostValue(true)), Json(true));
    EXPECT_EQ(host_value_to_json(HostValue(-7)).dump(), "-7");
    EXPECT_EQ(host_value_to_json(HostValue(2.5)).dump(), "2.5");
    EXPECT_EQ(host_value_to_json(HostValue("hi")), Json("hi"));
    EXPECT_EQ(host_value_to_json(HostValue(std::numeric_limits<double>::infinity())), Json(nullptr));
    EXPECT_EQ(host_value_to_json(HostValue(std::nan(""))), Json(nullptr));
}

TEST(HostValueJson, SequencesAreArraysAndStringKeyedTablesObjects) {
    const HostValue list = HostValue::list({"a", 2, HostValue::list({true})});
    EXPECT_EQ(host_value_to_json(list).dump(), R"(["a",2,[true]])");
    // Keys 1..n in any order.
    const HostValue shuffled = HostValue::table({{2, "b"}, {1, "a"}, {3, "c"}});
    EXPECT_EQ(host_value_to_json(shuffled).dump(), R"(["a","b","c"])");
    const HostValue object = HostValue::table({{"x", 1}, {"y", HostValue::table({})}});
    const Json json = host_value_to_json(object);
    EXPECT_EQ(json["x"], 1);
    EXPECT_EQ(json["y"].dump(), "{}");
}

TEST(HostValueJson, TablesWithoutAJsonFormAreRefusedNamingTheArgument) {
    const std::vector<HostValue> bad = {
        HostValue::table({{true, 1}}),
        HostValue::table({{1, "a"}, {"x", 2}}),
        HostValue::table({{2, "b"}}),
        HostValue::table({{0, "zero"}, {1, "one"}}),
        HostValue::table({{1.5, "half"}}),
        HostValue::table({{"ok", HostValue::table({{false, 1}})}}),
    };
    for (const HostValue& value : bad) {
        EXPECT_THROW(host_value_to_json(value), JsonFormError);
        try {
            host_values_to_json({1, value});
            ADD_FAILURE() << "no error";
        } catch (const JsonFormError& error) {
            EXPECT_EQ(std::string(error.what()).rfind("argument 2: ", 0), 0u) << error.what();
        }
    }
}

TEST(HostValueJson, JsonBecomesHostValues) {
    const Json json = Json::parse(R"({"n": null, "i": -3, "u": 18446744073709551615, "f": 0.5, "s": "x",
                                      "a": [1, null, 3], "o": {"k": [true]}})");
    const HostValue value = host_value_from_json(json);
    EXPECT_TRUE(value["n"].is_nil());
    EXPECT_EQ(value["i"].type(), HostValue::Type::Integer);
    EXPECT_EQ(value["i"].integer(), -3);
    EXPECT_EQ(value["u"].type(), HostValue::Type::Number);  // past int64: a float
    EXPECT_EQ(value["f"].number(), 0.5);
    EXPECT_EQ(value["s"].string(), "x");
    EXPECT_EQ(value["a"][1].integer(), 1);
    EXPECT_TRUE(value["a"][2].is_nil());  // a hole
    EXPECT_EQ(value["a"][3].integer(), 3);
    EXPECT_EQ(value["o"]["k"][1].boolean(), true);
}

}  // namespace
}  // namespace luaos::service
