#include "api/openapi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/body_schema.h"

namespace trainyard::api {
namespace {

using nlohmann::json;

Handler Ok() {
  return [](Request&) -> Result<Response> { return Response{}; };
}

Router SampleRouter() {
  Router r;
  EXPECT_TRUE(r.Add({"GET", "/api/v1/health", Access::kPublic, Ok()}).ok());
  EXPECT_TRUE(
      r.Add({"GET", "/api/jobs/{job_id}/logs", Access::kUser, Ok()}).ok());
  EXPECT_TRUE(r.Add({"POST", "/api/jobs", Access::kAdmin, Ok()}).ok());
  EXPECT_TRUE(
      r.Add({"PATCH", "/api/ai-studio/models/{model_id}/", Access::kUser, Ok()})
          .ok());
  return r;
}

TEST(OpenApiTest, IsOpenApi31JsonWithEveryRouteOfTheTable) {
  Router r = SampleRouter();
  json doc = json::parse(OpenApiDocument(r, {"T", "1.2.3", "d"}));
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  for (const Route& route : r.routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(doc["paths"][route.pattern].contains(method)) << route.pattern;
  }
  EXPECT_EQ(doc["paths"].size(), 4u);
}

TEST(OpenApiTest, PathParametersComeFromThePattern) {
  json doc = json::parse(OpenApiDocument(SampleRouter(), {}));
  const json& p = doc["paths"]["/api/jobs/{job_id}/logs"]["get"]["parameters"];
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["name"], "job_id");
  EXPECT_EQ(p[0]["in"], "path");
  EXPECT_EQ(p[0]["required"], true);
}

TEST(OpenApiTest, SecurityFollowsTheRoutesAccess) {
  json doc = json::parse(OpenApiDocument(SampleRouter(), {}));
  const json& health = doc["paths"]["/api/v1/health"]["get"];
  EXPECT_EQ(health["security"], json::array());
  EXPECT_FALSE(health["responses"].contains("401"));
  const json& logs = doc["paths"]["/api/jobs/{job_id}/logs"]["get"];
  EXPECT_EQ(logs["security"][0].begin().key(), "bearerAuth");
  EXPECT_TRUE(logs["responses"].contains("401"));
  EXPECT_FALSE(logs["responses"].contains("403"));
  EXPECT_TRUE(doc["paths"]["/api/jobs"]["post"]["responses"].contains("403"));
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"],
            "bearer");
}

TEST(OpenApiTest, ErrorsReferToTheStandardErrorSchema) {
  json doc = json::parse(OpenApiDocument(SampleRouter(), {}));
  const json& r404 =
      doc["paths"]["/api/jobs/{job_id}/logs"]["get"]["responses"]["404"];
  EXPECT_EQ(r404["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Error");
  EXPECT_TRUE(
      doc["components"]["schemas"]["Error"]["properties"].contains("error"));
}

TEST(OpenApiTest, ADeclaredBodyIsDocumentedFromItsSchema) {
  Router r;
  auto body = std::make_shared<BodySchema>(
      std::vector<Field>{Required(StringField("type", 128, "job type")),
                         IntField("max_attempts", 1, 100, "")});
  ASSERT_TRUE(r.Add({"POST", "/api/jobs", Access::kAdmin, Ok(), 0, body}).ok());
  ASSERT_TRUE(
      r.Add({"POST", "/api/jobs/{job_id}/cancel", Access::kUser, Ok()}).ok());
  json doc = json::parse(OpenApiDocument(r, {}));
  const json& declared = doc["paths"]["/api/jobs"]["post"]["requestBody"];
  EXPECT_EQ(declared["required"], true);
  EXPECT_EQ(declared["content"]["application/json"]["schema"],
            body->ToJsonSchema());
  // Without a declaration the route reads no body.
  EXPECT_FALSE(doc["paths"]["/api/jobs/{job_id}/cancel"]["post"].contains(
      "requestBody"));
}

TEST(OpenApiTest, DeclaredResponsesAreDocumentedWithTheirSchema) {
  Router r = SampleRouter();
  ASSERT_TRUE(
      r.DeclareResponses(
           {{"POST", "/api/jobs", {{201, R"({"id": "string"})"}}},
            {"GET", "/api/jobs/{job_id}/logs", {{200, "", "text/plain"}}}})
          .ok());
  json doc = json::parse(OpenApiDocument(r, {}));
  const json& created = doc["paths"]["/api/jobs"]["post"]["responses"];
  EXPECT_FALSE(created.contains("200"));
  EXPECT_EQ(created["201"]["content"]["application/json"]["schema"],
            ShapeToJsonSchema(R"({"id": "string"})"));
  const json& logs =
      doc["paths"]["/api/jobs/{job_id}/logs"]["get"]["responses"];
  EXPECT_TRUE(logs["200"]["content"].contains("text/plain"));
  // Undeclared: a 200 without a schema.
  EXPECT_FALSE(
      doc["paths"]["/api/v1/health"]["get"]["responses"]["200"].contains(
          "content"));
}

// A sample product's surface: its routes may answer 402 OUT_OF_STOCK.
ApiSurface ShopSurface() {
  return {"shop",
          "a sample product",
          {"/shop"},
          {{402, "OUT_OF_STOCK"}},
          {"OUT_OF_STOCK"}};
}

Router ShopRouter() {
  Router r;
  EXPECT_TRUE(
      r.Add({"GET", "/shop/orders/{order_id}", Access::kUser, Ok()}).ok());
  EXPECT_TRUE(r.Add({"GET", "/status", Access::kPublic, Ok()}).ok());
  EXPECT_TRUE(r.DeclareSurface(ShopSurface()).ok());
  return r;
}

std::vector<std::string> CodeEnum(const json& doc) {
  return doc["components"]["schemas"]["Error"]["properties"]["error"]
            ["properties"]["code"]["enum"];
}

TEST(OpenApiTest, ADeclaredSurfaceTagsItsRoutesAndAddsItsErrors) {
  json doc = json::parse(OpenApiDocument(ShopRouter(), {}));
  const json& order = doc["paths"]["/shop/orders/{order_id}"]["get"];
  EXPECT_EQ(order["tags"], json::array({"shop"}));
  EXPECT_EQ(order["responses"]["402"]["description"], "OUT_OF_STOCK");
  EXPECT_EQ(order["responses"]["402"]["content"]["application/json"]["schema"]
                 ["$ref"],
            "#/components/schemas/Error");
  EXPECT_EQ(doc["tags"][0],
            json({{"name", "shop"}, {"description", "a sample product"}}));
}

TEST(OpenApiTest, ADeclaredSurfacesCodesJoinThePlatformsInTheCodeEnum) {
  const std::vector<std::string> codes =
      CodeEnum(json::parse(OpenApiDocument(ShopRouter(), {})));
  // Client errors, the surfaces' codes, then server errors.
  const std::vector<std::string> expected = {
      "VALIDATION_ERROR",   "AUTHENTICATION_ERROR", "PERMISSION_DENIED",
      "RESOURCE_NOT_FOUND", "METHOD_NOT_ALLOWED",   "CONFLICT",
      "PAYLOAD_TOO_LARGE",  "RATE_LIMIT_EXCEEDED",  "OUT_OF_STOCK",
      "INTERNAL_ERROR",     "SERVICE_UNAVAILABLE"};
  EXPECT_EQ(codes, expected);
}

TEST(OpenApiTest, WithoutSurfacesTheCodeEnumHasNoReasonOnlyCode) {
  const std::vector<std::string> codes =
      CodeEnum(json::parse(OpenApiDocument(SampleRouter(), {})));
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "PAYMENT_REQUIRED"), 0);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "UNPROCESSABLE_ENTITY"), 0);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "INTERNAL_ERROR"), 1);
  EXPECT_EQ(codes.size(), 10u);
}

TEST(OpenApiTest, AnUndeclaredPathFallsToTheServerSurface) {
  Router r = ShopRouter();
  EXPECT_EQ(SurfaceTag(r, "/status"), kDefaultSurfaceTag);
  json doc = json::parse(OpenApiDocument(r, {}));
  const json& status = doc["paths"]["/status"]["get"];
  EXPECT_EQ(status["tags"], json::array({kDefaultSurfaceTag}));
  EXPECT_FALSE(status["responses"].contains("402"));
  ASSERT_EQ(doc["tags"].size(), 2u);
  EXPECT_EQ(doc["tags"][1]["name"], kDefaultSurfaceTag);
}

TEST(OpenApiTest, TheServerTagIsListedOnlyWhenARouteFallsToIt) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/shop/cart", Access::kUser, Ok()}).ok());
  ASSERT_TRUE(r.DeclareSurface(ShopSurface()).ok());
  json doc = json::parse(OpenApiDocument(r, {}));
  ASSERT_EQ(doc["tags"].size(), 1u);
  EXPECT_EQ(doc["tags"][0]["name"], "shop");
}

TEST(OpenApiTest, ASurfacesErrorReplacesThePlatformsDescription) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/shop/cart", Access::kUser, Ok()}).ok());
  ASSERT_TRUE(
      r.DeclareSurface({"shop", "", {"/shop"}, {{404, "NO_SUCH_CART"}}}).ok());
  json doc = json::parse(OpenApiDocument(r, {}));
  EXPECT_EQ(
      doc["paths"]["/shop/cart"]["get"]["responses"]["404"]["description"],
      "NO_SUCH_CART");
}

}  // namespace
}  // namespace trainyard::api
