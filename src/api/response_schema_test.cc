#include "api/response_schema.h"

#include <gtest/gtest.h>

namespace trainyard::api {
namespace {

using nlohmann::json;

const char kJob[] = R"({"id": "string", "progress": "number",
  "error?": "string|null", "tags": ["string"], "params": "object",
  "counts": {"*": "integer"}})";

json Job() {
  return {{"id", "j1"},
          {"progress", 0.5},
          {"tags", {"a"}},
          {"params", {{"x", 1}}},
          {"counts", {{"ok", 2}}}};
}

TEST(ResponseSchemaTest, AShapeBecomesAJsonSchema) {
  const json s = ShapeToJsonSchema(kJob);
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["required"],
            json({"counts", "id", "params", "progress", "tags"}));
  EXPECT_EQ(s["properties"]["error"]["type"], json({"string", "null"}));
  EXPECT_EQ(s["properties"]["tags"]["items"]["type"], "string");
  EXPECT_EQ(s["properties"]["counts"]["additionalProperties"]["type"],
            "integer");
}

TEST(ResponseSchemaTest, KnownMembersBesideAStarLetOthersVary) {
  const char kShape[] = R"({"id": "string", "*": "number"})";
  const json s = ShapeToJsonSchema(kShape);
  EXPECT_EQ(s["required"], json({"id"}));
  EXPECT_EQ(s["additionalProperties"]["type"], "number");
  EXPECT_TRUE(SchemaViolations(s, {{"id", "a"}, {"x", 1}, {"y", 2.5}}).empty());
  EXPECT_EQ(SchemaViolations(s, {{"x", 1}}).size(), 1u);  // id missing
  EXPECT_EQ(SchemaViolations(s, {{"id", "a"}, {"x", "1"}}).size(), 1u);
}

TEST(ResponseSchemaTest, ABarMemberMakesAnObjectNullable) {
  const json s = ShapeToJsonSchema(R"({"|": "null", "n": "integer"})");
  EXPECT_EQ(s["type"], json({"object", "null"}));
  EXPECT_FALSE(s["properties"].contains("|"));
  EXPECT_TRUE(SchemaViolations(s, nullptr).empty());
  EXPECT_TRUE(SchemaViolations(s, {{"n", 1}}).empty());
  EXPECT_EQ(SchemaViolations(s, {{"n", "1"}}).size(), 1u);
  EXPECT_EQ(ShapeToJsonSchema(R"({"|": "string"})"), json(false));
}

TEST(ResponseSchemaTest, ABareTopLevelTypeNeedsNoQuotes) {
  EXPECT_EQ(ShapeToJsonSchema("object"), ShapeToJsonSchema(R"("object")"));
  EXPECT_EQ(ShapeToJsonSchema("string|null")["type"], json({"string", "null"}));
}

TEST(ResponseSchemaTest, AMalformedShapeAcceptsNothing) {
  EXPECT_EQ(ShapeToJsonSchema("{"), json(false));
  EXPECT_EQ(ShapeToJsonSchema(R"({"a": "strnig"})"), json(false));
  EXPECT_FALSE(
      SchemaViolations(ShapeToJsonSchema("{"), json::object()).empty());
}

TEST(ResponseSchemaTest, AConformingAnswerHasNoViolations) {
  EXPECT_TRUE(SchemaViolations(ShapeToJsonSchema(kJob), Job()).empty());
  json with_error = Job();
  with_error["error"] = nullptr;
  EXPECT_TRUE(SchemaViolations(ShapeToJsonSchema(kJob), with_error).empty());
}

TEST(ResponseSchemaTest, AMissingMemberIsAViolation) {
  json j = Job();
  j.erase("progress");
  auto v = SchemaViolations(ShapeToJsonSchema(kJob), j);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], "$.progress: declared but missing");
}

TEST(ResponseSchemaTest, AnUndeclaredMemberIsAViolation) {
  json j = Job();
  j["surprise"] = 1;
  auto v = SchemaViolations(ShapeToJsonSchema(kJob), j);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], "$.surprise: not declared");
}

TEST(ResponseSchemaTest, AWrongTypeIsAViolationAtItsPath) {
  json j = Job();
  j["tags"] = {"a", 3};
  j["counts"]["bad"] = "x";
  auto v = SchemaViolations(ShapeToJsonSchema(kJob), j);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_NE(v[0].find("$.counts.bad"), std::string::npos);
  EXPECT_NE(v[1].find("$.tags[1]"), std::string::npos);
}

TEST(ResponseSchemaTest, AnIntegerIsANumberButNotTheReverse) {
  EXPECT_TRUE(SchemaViolations(ShapeToJsonSchema("number"), 3).empty());
  EXPECT_FALSE(SchemaViolations(ShapeToJsonSchema("integer"), 3.5).empty());
}

}  // namespace
}  // namespace trainyard::api
