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

TEST(JsonValidatorTest, AMisspeltFieldIsRejectedWithTheNearestName) {
  json body = {{"model_nme", "m"}, {"colour", 1}};
  JsonValidator v(body);
  v.RejectUnknownKeys({"model_name", "max_steps"});
  Status s = v.Finish();
  ASSERT_EQ(s.details().size(), 2u);
  EXPECT_EQ(s.details()[0].field, "colour");
  EXPECT_EQ(s.details()[0].message,
            "unknown field; allowed: model_name, max_steps");
  EXPECT_EQ(s.details()[1].field, "model_nme");
  EXPECT_EQ(s.details()[1].message,
            "unknown field; did you mean \"model_name\"?; allowed: "
            "model_name, max_steps");
}

TEST(JsonValidatorTest, AMisspeltEnumValueNamesTheNearestValue) {
  json body = {{"transform", "recenter"}, {"algo", "sac"}};
  JsonValidator v(body);
  EXPECT_FALSE(v.RequiredEnum("transform", {"recentre", "linear"}));
  EXPECT_FALSE(v.OptionalEnum("algo", {"ppo", "ddpg"}));
  Status s = v.Finish();
  ASSERT_EQ(s.details().size(), 2u);
  EXPECT_EQ(s.details()[0].message,
            "must be one of: recentre, linear; did you mean \"recentre\"?");
  EXPECT_EQ(s.details()[1].message, "must be one of: ppo, ddpg");
}

TEST(JsonValidatorTest, AMisspeltQueryEnumNamesTheNearestValue) {
  Request req;
  req.query = {{"status", "deplyed"}};
  QueryValidator q(req);
  EXPECT_FALSE(q.Enum("status", {"trained", "deployed", "archived"}));
  ASSERT_EQ(q.Finish().details().size(), 1u);
  EXPECT_EQ(q.Finish().details()[0].message,
            "must be one of: trained, deployed, archived; did you mean "
            "\"deployed\"?");
}

TEST(JsonValidatorTest, AcceptsIntegralFloatsAsIntegers) {
  json body = {{"n", 3.0}, {"m", 3.5}};
  JsonValidator v(body);
  EXPECT_EQ(v.RequiredInt("n", 0, 10), 3);
  EXPECT_FALSE(v.RequiredInt("m", 0, 10).has_value());
}

TEST(JsonValidatorTest, OptionalFieldsMayBeAbsent) {
  json body = json::object();
  JsonValidator v(body);
  EXPECT_FALSE(v.OptionalString("a").has_value());
  EXPECT_FALSE(v.OptionalNumber("b", 0, 1).has_value());
  EXPECT_FALSE(v.OptionalArray("c").has_value());
  EXPECT_TRUE(v.ok());
}

// A null used to read as "absent" while callers checked contains() to tell
// whether a field was required, so `"features": null` passed validation
// with no value and the handler dereferenced an empty optional (SIGSEGV).
TEST(JsonValidatorTest, NullIsAnErrorNamingTheFieldForEveryGetter) {
  json body = {{"s", nullptr}, {"i", nullptr}, {"n", nullptr},
               {"b", nullptr}, {"e", nullptr}, {"o", nullptr},
               {"a", nullptr}, {"l", nullptr}, {"rs", nullptr}};
  JsonValidator v(body);
  EXPECT_FALSE(v.OptionalString("s"));
  EXPECT_FALSE(v.OptionalInt("i", 0, 1));
  EXPECT_FALSE(v.OptionalNumber("n", 0, 1));
  EXPECT_FALSE(v.OptionalBool("b"));
  EXPECT_FALSE(v.OptionalEnum("e", {"x"}));
  EXPECT_FALSE(v.OptionalObject("o"));
  EXPECT_FALSE(v.RequiredArray("a"));
  EXPECT_FALSE(v.OptionalStringArray("l", 3));
  EXPECT_FALSE(v.RequiredString("rs"));
  Status s = v.Finish();
  ASSERT_EQ(s.details().size(), 9u);
  for (const auto& d : s.details()) {
    EXPECT_NE(d.message.find("may not be null"), std::string::npos) << d.field;
  }
}

TEST(JsonValidatorTest, OptionalStringsMayBeEmptyRequiredOnesMayNot) {
  json body = {{"note", ""}, {"name", ""}};
  JsonValidator v(body);
  EXPECT_EQ(v.OptionalString("note"), "");
  EXPECT_FALSE(v.RequiredString("name"));
  Status s = v.Finish();
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].field, "name");
}

TEST(JsonValidatorTest, OverLongStringNamesTheField) {
  json body = {{"title", std::string(201, 'x')}};
  JsonValidator v(body);
  EXPECT_FALSE(v.RequiredString("title", 200));
  EXPECT_EQ(v.Finish().details()[0].field, "title");
}

TEST(JsonValidatorTest, RequiredContainersMustBePresentAndOfTheirType) {
  json body = {{"obj", json::array()}, {"arr", json::object()}};
  JsonValidator v(body);
  EXPECT_FALSE(v.RequiredObject("obj"));
  EXPECT_FALSE(v.RequiredArray("arr"));
  EXPECT_FALSE(v.RequiredObject("missing"));
  Status s = v.Finish();
  ASSERT_EQ(s.details().size(), 3u);
  EXPECT_EQ(s.details()[0].message, "must be an object");
  EXPECT_EQ(s.details()[1].message, "must be an array");
  EXPECT_EQ(s.details()[2].message, "This field is required");
}

TEST(JsonValidatorTest, StringArraysCheckEveryItem) {
  json body = json::object();
  body["ok"] = json::array({json("a"), json("b")});
  body["empty"] = json::array();
  body["mixed"] = json::array({json("a"), json(1)});
  body["blank"] = json::array({json("")});
  body["long"] = json::array({json("abcdef")});
  body["many"] = json::array({json("a"), json("b"), json("c")});
  JsonValidator v(body);
  EXPECT_EQ(v.RequiredStringArray("ok", 2),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(v.RequiredStringArray("empty", 2));
  EXPECT_FALSE(v.RequiredStringArray("mixed", 2));
  EXPECT_FALSE(v.RequiredStringArray("blank", 2));
  EXPECT_FALSE(v.RequiredStringArray("long", 2, 5));
  EXPECT_FALSE(v.RequiredStringArray("many", 2));
  EXPECT_FALSE(v.OptionalStringArray("absent", 2));
  std::vector<std::string> fields;
  const Status s = v.Finish();
  for (const auto& d : s.details()) fields.push_back(d.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"empty", "mixed", "blank", "long",
                                              "many"}));
}

TEST(JsonValidatorTest, ManyErrorsAreCappedAndCounted) {
  json body = json::object();
  for (int i = 0; i < 100; ++i) body["k" + std::to_string(i)] = 1;
  JsonValidator v(body);
  v.RejectUnknownKeys({});
  Status s = v.Finish();
  ASSERT_EQ(s.details().size(), kMaxFieldErrors + 1);
  EXPECT_EQ(s.details().back().field, "body");
  EXPECT_EQ(s.details().back().message, "80 more problems not listed");
}

TEST(JsonValidatorTest, NumberOutsideDoubleRangeIsAValidationError) {
  for (const char* text : {"1e999", "{\"a\": -1e999}", "[1e400]"}) {
    auto r = ParseJsonObject(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(r.status().details()[0].field, "body");
  }
  EXPECT_NE(ParseJsonObject("{\"a\": 1e999}")
                .status()
                .details()[0]
                .message.find("outside the range of a double"),
            std::string::npos);
}

TEST(JsonValidatorTest, InvalidUtf8InABodyIsAValidationError) {
  auto r = ParseJsonObject("{\"a\": \"\xFF\xFE\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_FALSE(ParseJsonObject("{\"a\": \"\xC0\xAF\"}").ok());  // overlong
}

TEST(JsonValidatorTest, DeepNestingIsRefusedBeforeParsing) {
  const std::string deep =
      "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  auto r = ParseJsonObject(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested too deeply"), std::string::npos);
  const std::string ok = "{\"a\":" + std::string(kMaxJsonDepth - 1, '[') +
                         std::string(kMaxJsonDepth - 1, ']') + "}";
  EXPECT_TRUE(ParseJsonObject(ok).ok());
  // Brackets inside strings do not count.
  EXPECT_TRUE(
      ParseJsonObject("{\"a\": \"" + std::string(1000, '[') + "\"}").ok());
}

TEST(JsonValidatorTest, QueryStringsAreLengthChecked) {
  Request req;
  req.query = {{"name", std::string(2000, 'x')}, {"ok", "y"}};
  QueryValidator q(req);
  EXPECT_FALSE(q.String("name"));
  EXPECT_EQ(q.String("ok"), "y");
  ASSERT_EQ(q.Finish().details().size(), 1u);
  EXPECT_EQ(q.Finish().details()[0].field, "name");
}

TEST(JsonValidatorTest, UnknownQueryParametersAreRejectedWithTheNearestName) {
  Request req;
  req.query = {{"grup_id", "bursty"}, {"grup_id", "x"}, {"sample_size", "5"}};
  QueryValidator q(req);
  q.RejectUnknownKeys({"sample_size", "group_id"});
  EXPECT_EQ(q.Int("sample_size", 0, 1, 10), 5);
  Status s = q.Finish();
  ASSERT_EQ(s.details().size(), 1u);
  EXPECT_EQ(s.details()[0].field, "grup_id");
  EXPECT_EQ(s.details()[0].message,
            "unknown parameter; did you mean \"group_id\"?; allowed: "
            "sample_size, group_id");
}

TEST(JsonValidatorTest, QueryIntegersAreRangeChecked) {
  Request req;
  req.query = {{"page", "0"},
               {"per_page", "abc"},
               {"x", "5"},
               {"big", "99999999999999999999"},
               {"plus", "+5"}};
  QueryValidator q(req);
  EXPECT_EQ(q.Int("page", 1, 1, 100), 1);
  EXPECT_EQ(q.Int("per_page", 10, 1, 100), 10);
  EXPECT_EQ(q.Int("x", 0, 0, 10), 5);
  EXPECT_EQ(q.Int("big", 7, 0, 10), 7);  // no overflow
  EXPECT_EQ(q.Int("plus", 7, 0, 10), 7);
  EXPECT_EQ(q.Finish().details().size(), 4u);
}

}  // namespace
}  // namespace trainyard::api
