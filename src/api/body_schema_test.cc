#include "api/body_schema.h"

#include <gtest/gtest.h>

#include <limits>
#include <map>

namespace trainyard::api {
namespace {

using nlohmann::json;

BodySchema Sample() {
  return BodySchema(
      {Required(StringField("name", 8, "a name")),
       IntField("count", 1, 10, "how many"), NumberField("rate", 0, 1, ""),
       EnumField("mode", {"fast", "slow"}, ""),
       Required(BoolField("dry_run", "")), ObjectField("params", "")});
}

// The field errors of a refused body, by field.
std::map<std::string, std::string> Errors(const BodySchema& schema,
                                          const json& body) {
  SchemaReader r(schema, body);
  for (const Field& f : schema.fields()) {
    switch (f.type) {
      case Field::Type::kString:
        r.String(f.name);
        break;
      case Field::Type::kInteger:
        r.Int(f.name);
        break;
      case Field::Type::kNumber:
        r.Number(f.name);
        break;
      case Field::Type::kBoolean:
        r.Bool(f.name);
        break;
      case Field::Type::kEnum:
        r.Enum(f.name);
        break;
      case Field::Type::kObject:
        r.Object(f.name);
        break;
      case Field::Type::kArray:
        r.Array(f.name);
        break;
      case Field::Type::kAny:
        r.Any(f.name);
        break;
    }
  }
  const Status status = r.Finish();
  std::map<std::string, std::string> out;
  for (const FieldError& e : status.details()) out[e.field] = e.message;
  return out;
}

TEST(BodySchemaTest, AValidBodyIsReadWithTheDeclaredTypes) {
  const BodySchema schema = Sample();
  const json body = {{"name", "a"}, {"count", 3}, {"dry_run", true}};
  SchemaReader r(schema, body);
  EXPECT_EQ(r.String("name"), "a");
  EXPECT_EQ(r.Int("count"), 3);
  EXPECT_EQ(r.Number("rate"), std::nullopt);
  EXPECT_EQ(r.Bool("dry_run"), true);
  EXPECT_TRUE(r.Finish().ok());
}

TEST(BodySchemaTest, TheReaderEnforcesTheDeclaredBounds) {
  auto errors = Errors(Sample(), {{"name", "123456789"},
                                  {"count", 11},
                                  {"rate", 1.5},
                                  {"mode", "medium"}});
  EXPECT_TRUE(errors.count("name"));     // longer than 8
  EXPECT_TRUE(errors.count("count"));    // above 10
  EXPECT_TRUE(errors.count("rate"));     // above 1
  EXPECT_TRUE(errors.count("mode"));     // not an allowed value
  EXPECT_TRUE(errors.count("dry_run"));  // required
  EXPECT_FALSE(errors.count("params"));  // optional, absent
}

TEST(BodySchemaTest, UndeclaredMembersAreRefused) {
  auto errors =
      Errors(Sample(), {{"name", "a"}, {"dry_run", false}, {"nmae", "b"}});
  EXPECT_TRUE(errors.count("nmae"));
}

TEST(BodySchemaTest, ReadingAnUndeclaredFieldIsRecordedAsADefect) {
  const BodySchema schema = Sample();
  const json body = {{"name", "a"}, {"dry_run", true}};
  SchemaReader r(schema, body);
  EXPECT_EQ(r.Int("name"), std::nullopt);  // declared as a string
  EXPECT_FALSE(r.Finish().ok());
}

TEST(BodySchemaTest, TheJsonSchemaShowsTheSameDeclaration) {
  const json s = Sample().ToJsonSchema();
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["required"], json({"name", "dry_run"}));
  EXPECT_EQ(s["properties"]["name"]["maxLength"], 8);
  EXPECT_EQ(s["properties"]["name"]["minLength"], 1);
  EXPECT_EQ(s["properties"]["count"]["type"], "integer");
  EXPECT_EQ(s["properties"]["count"]["minimum"], 1);
  EXPECT_EQ(s["properties"]["count"]["maximum"], 10);
  EXPECT_EQ(s["properties"]["rate"]["maximum"], 1.0);
  EXPECT_EQ(s["properties"]["mode"]["enum"], json({"fast", "slow"}));
  EXPECT_EQ(s["properties"]["dry_run"]["type"], "boolean");
  EXPECT_EQ(s["properties"]["count"]["description"], "how many");
  EXPECT_EQ(s["properties"].size(), 6u);
}

TEST(BodySchemaTest, OpenBoundsAreLeftOut) {
  const json s =
      BodySchema({NumberField("x", -std::numeric_limits<double>::infinity(),
                              std::numeric_limits<double>::max(), "")})
          .ToJsonSchema();
  EXPECT_FALSE(s["properties"]["x"].contains("minimum"));
  EXPECT_FALSE(s["properties"]["x"].contains("maximum"));
  EXPECT_FALSE(s.contains("required"));
}

BodySchema Structured() {
  return BodySchema(
      {ArrayField("tags", EnumField("", {"red", "blue"}, ""), 1, 3, "tags"),
       NestedField("limits",
                   {Required(NumberField("low", 0, 10, "")),
                    NestedField("inner", {BoolField("on", "")}, "")},
                   ""),
       MapField("weights", NumberField("", 0, 1, ""), "")});
}

TEST(BodySchemaTest, ArraysNestedObjectsAndMapsAreReadWhenValid) {
  const BodySchema schema = Structured();
  const json body = {{"tags", {"red", "blue"}},
                     {"limits", {{"low", 2.5}, {"inner", {{"on", true}}}}},
                     {"weights", {{"a", 0.5}}}};
  SchemaReader r(schema, body);
  EXPECT_EQ(r.Strings("tags"), (std::vector<std::string>{"red", "blue"}));
  EXPECT_EQ(r.Number("limits.low"), 2.5);
  EXPECT_EQ(r.Bool("limits.inner.on"), true);
  EXPECT_EQ(r.Object("weights"), json({{"a", 0.5}}));
  EXPECT_TRUE(r.Has("limits.inner"));
  EXPECT_FALSE(r.Has("limits.high"));
  EXPECT_TRUE(r.Finish().ok()) << r.Finish().ToString();
}

TEST(BodySchemaTest, AnArrayItemOutsideItsDeclarationIsAnErrorOnTheArray) {
  auto errors = Errors(Structured(), {{"tags", {"red", "green"}}});
  ASSERT_TRUE(errors.count("tags"));
  EXPECT_NE(errors["tags"].find("item 1"), std::string::npos);
}

TEST(BodySchemaTest, TheArrayLengthIsBounded) {
  EXPECT_TRUE(Errors(Structured(), {{"tags", json::array()}}).count("tags"));
  EXPECT_TRUE(Errors(Structured(), {{"tags", {"red", "red", "red", "red"}}})
                  .count("tags"));
}

TEST(BodySchemaTest, NestedMembersAreCheckedAndNamedWithTheirPath) {
  auto errors = Errors(Structured(),
                       {{"limits", {{"inner", {{"on", 1}, {"off", true}}}}}});
  EXPECT_TRUE(errors.count("limits.low"));        // required inside
  EXPECT_TRUE(errors.count("limits.inner.on"));   // not a boolean
  EXPECT_TRUE(errors.count("limits.inner.off"));  // undeclared
}

TEST(BodySchemaTest, EveryValueOfAMapIsChecked) {
  auto errors = Errors(Structured(), {{"weights", {{"a", 0.5}, {"b", 2}}}});
  ASSERT_TRUE(errors.count("weights"));
  EXPECT_NE(errors["weights"].find("\"b\""), std::string::npos);
}

TEST(BodySchemaTest, TheJsonSchemaOfStructuredFields) {
  const json s = Structured().ToJsonSchema()["properties"];
  EXPECT_EQ(s["tags"]["type"], "array");
  EXPECT_EQ(s["tags"]["items"]["enum"], json({"red", "blue"}));
  EXPECT_EQ(s["tags"]["maxItems"], 3);
  EXPECT_EQ(s["limits"]["required"], json({"low"}));
  EXPECT_EQ(s["limits"]["additionalProperties"], false);
  EXPECT_EQ(s["limits"]["properties"]["inner"]["properties"]["on"]["type"],
            "boolean");
  EXPECT_EQ(s["weights"]["additionalProperties"]["type"], "number");
}

TEST(BodySchemaTest, ANullableMemberReadsNullAsAbsent) {
  const BodySchema schema({Nullable(StringField("agent", 8, ""))});
  SchemaReader r(schema, {{"agent", nullptr}});
  EXPECT_EQ(r.String("agent"), std::nullopt);
  EXPECT_TRUE(r.Has("agent"));
  EXPECT_TRUE(r.Finish().ok());
  EXPECT_EQ(schema.ToJsonSchema()["properties"]["agent"]["anyOf"][1]["type"],
            "null");
}

TEST(BodySchemaTest, AnAnyFieldTakesAnyNonNullValueAndIsDocumentedAsGiven) {
  const BodySchema schema({Required(
      AnyField("price", {{"type", json::array({"string", "number"})}}, ""))});
  SchemaReader r(schema, {{"price", "29.99"}});
  EXPECT_EQ(r.Any("price"), json("29.99"));
  EXPECT_TRUE(r.Finish().ok());
  EXPECT_TRUE(Errors(schema, {{"price", nullptr}}).count("price"));
  EXPECT_TRUE(Errors(schema, json::object()).count("price"));
  EXPECT_EQ(schema.ToJsonSchema()["properties"]["price"]["type"],
            json({"string", "number"}));
}

TEST(BodySchemaTest, AllOptionalDropsRequiredAtEveryDepth) {
  const json s = Structured().AllOptional().ToJsonSchema();
  EXPECT_FALSE(s["properties"]["limits"].contains("required"));
}

}  // namespace
}  // namespace trainyard::api
