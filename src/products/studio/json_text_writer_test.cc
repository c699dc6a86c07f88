#include "products/studio/json_text_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace trainyard::studio {
namespace {

TEST(JsonTextWriterTest, WritesNestedContainersWithCommas) {
  JsonTextWriter w;
  w.BeginObject();
  w.Key("a");
  w.BeginArray();
  w.Int(1);
  w.Int(-2);
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Key("b");
  w.Bool(true);
  w.Key("c");
  w.Null();
  w.Key("d");
  w.String("x");
  w.EndObject();
  EXPECT_EQ(w.text(), R"({"a":[1,-2,{}],"b":true,"c":null,"d":"x"})");
}

TEST(JsonTextWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  JsonTextWriter w;
  w.String("a\"b\\c\nd\x01");
  EXPECT_EQ(w.text(), R"("a\"b\\c\u000ad\u0001")");
  EXPECT_EQ(nlohmann::json::parse(w.text()), "a\"b\\c\nd\x01");
}

TEST(JsonTextWriterTest, NumbersAreShortestRoundTripAndNonFiniteIsNull) {
  JsonTextWriter w;
  w.BeginArray();
  w.Number(0.5123);
  w.Number(1474.77);
  w.Number(0.1 + 0.2);
  w.Number(-3);
  w.Number(std::nan(""));
  w.Number(std::numeric_limits<double>::infinity());
  w.EndArray();
  EXPECT_EQ(w.text(), "[0.5123,1474.77,0.30000000000000004,-3,null,null]");
}

}  // namespace
}  // namespace trainyard::studio
