#include "api/json_validator.h"

#include <gtest/gtest.h>

namespace trainyard::api {
namespace {

using nlohmann::json;

TEST(JsonValidatorTest, MalformedJsonNamesTheBody) {
  auto r = ParseJsonObject("{\"a\": ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(r.status().details()[0].field, "body");
}

TEST(JsonValidatorTest, NonObjectBodyIsRejected) {
  EXPECT_FALSE(ParseJsonObject("[1,2]").ok());
  EXPECT_TRUE(ParseJsonObject("", /*empty_is_object=*/true).ok());
  EXPECT_FALSE(ParseJsonObject("").ok());
}

TEST(JsonValidatorTest, CollectsEveryBadFieldAtOnce) {
  json body = {{"name", 5}, {"epochs", -1}, {"kind", "x"}, {"extra", true}};
  JsonValidator v(body);
  v.RejectUnknownKeys({"name", "epochs", "kind", "missing"});
  v.RequiredString("name");
  v.RequiredInt("epochs", 1, 100);
  v.RequiredEnum("kind", {"ppo", "ddpg"});
  v.RequiredString("missing");
  Status s = v.Finish("invalid training request");
  ASSERT_FALSE(s.ok());
  std::vector<std::string> fields;
  for (const auto& e : s.details()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"extra", "name", "epochs", "kind",
                                              "missing"}));
  EXPECT_EQ(s.message(), "invalid training request");
}

TEST(JsonValidatorTest, AcceptsIntegralFloatsAsIntegers) {
  json body = {{"n", 3.0}, {"m", 3.5}};
  JsonValidator v(body);
  EXPECT_EQ(v.RequiredInt("n", 0, 10), 3);
  EXPECT_FALSE(v.RequiredInt("m", 0, 10).has_value());
}

TEST(JsonValidatorTest, OptionalFieldsMayBeAbsentOrNull) {
  json body = {{"a", nullptr}};
  JsonValidator v(body);
  EXPECT_FALSE(v.OptionalString("a").has_value());
  EXPECT_FALSE(v.OptionalNumber("b", 0, 1).has_value());
  EXPECT_TRUE(v.ok());
}

TEST(JsonValidatorTest, QueryIntegersAreRangeChecked) {
  Request req;
  req.query = {{"page", "0"}, {"per_page", "abc"}, {"x", "5"}};
  QueryValidator q(req);
  EXPECT_EQ(q.Int("page", 1, 1, 100), 1);
  EXPECT_EQ(q.Int("per_page", 10, 1, 100), 10);
  EXPECT_EQ(q.Int("x", 0, 0, 10), 5);
  EXPECT_EQ(q.Finish().details().size(), 2u);
}

}  // namespace
}  // namespace trainyard::api
