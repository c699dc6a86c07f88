#include "api/router.h"

#include <gtest/gtest.h>

namespace trainyard::api {
namespace {

Handler Named(std::string name) {
  return [name](Request&) -> Result<Response> {
    Response r;
    r.body = name;
    return r;
  };
}

std::string BodyOf(const RouteMatch& m) {
  Request req;
  return m.route->handler(req)->body;
}

TEST(RouterTest, TrailingSlashIsOptionalBothWays) {
  Router r;
  ASSERT_TRUE(
      r.Add({"GET", "/api/v1/health", Access::kPublic, Named("h")}).ok());
  ASSERT_TRUE(
      r.Add({"POST", "/api/v1/ppo/train/", Access::kUser, Named("t")}).ok());
  EXPECT_NE(r.Match("GET", "/api/v1/health/").route, nullptr);
  EXPECT_NE(r.Match("POST", "/api/v1/ppo/train").route, nullptr);
}

TEST(RouterTest, CapturesPathParameters) {
  Router r;
  ASSERT_TRUE(
      r.Add({"GET", "/api/v1/training/{task_id}", Access::kUser, Named("t")})
          .ok());
  RouteMatch m = r.Match("GET", "/api/v1/training/abc123");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("task_id"), "abc123");
}

TEST(RouterTest, LiteralSegmentBeatsCapture) {
  Router r;
  ASSERT_TRUE(
      r.Add({"GET", "/models/{id}", Access::kUser, Named("by-id")}).ok());
  ASSERT_TRUE(
      r.Add({"GET", "/models/marketplace", Access::kUser, Named("market")})
          .ok());
  EXPECT_EQ(BodyOf(r.Match("GET", "/models/marketplace")), "market");
  EXPECT_EQ(BodyOf(r.Match("GET", "/models/x")), "by-id");
}

TEST(RouterTest, WrongMethodListsAllowedMethods) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/a", Access::kUser, Named("g")}).ok());
  ASSERT_TRUE(r.Add({"DELETE", "/a", Access::kUser, Named("d")}).ok());
  RouteMatch m = r.Match("POST", "/a");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"DELETE", "GET"}));
}

TEST(RouterTest, UnknownPathMatchesNothing) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/a", Access::kUser, Named("g")}).ok());
  RouteMatch m = r.Match("GET", "/b");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed_methods.empty());
}

TEST(RouterTest, DuplicateRouteIsRefused) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/a/{x}", Access::kUser, Named("1")}).ok());
  EXPECT_EQ(r.Add({"GET", "/a/{y}/", Access::kUser, Named("2")}).code(),
            ErrorCode::kConflict);
}

TEST(RouterTest, ResponsesAreDeclaredOnARegisteredRoute) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/a/{x}/", Access::kUser, Named("1")}).ok());
  ASSERT_TRUE(
      r.DeclareResponses({{"GET", "/a/{x}", {{200, R"({"id": "string"})"}}}})
          .ok());
  ASSERT_EQ(r.routes()[0].responses.size(), 1u);
  EXPECT_EQ(r.routes()[0].responses[0].shape, R"({"id": "string"})");
}

TEST(RouterTest, ResponsesOfAnUnregisteredRouteAreRefused) {
  Router r;
  ASSERT_TRUE(r.Add({"GET", "/a", Access::kUser, Named("1")}).ok());
  EXPECT_EQ(r.DeclareResponses({{"POST", "/a", {{201, "object"}}}}).code(),
            ErrorCode::kNotFound);
}

TEST(RouterTest, APatternBelongsToTheSurfaceWithTheLongestPrefix) {
  Router r;
  ASSERT_TRUE(r.DeclareSurface({"shop", "", {"/shop"}}).ok());
  ASSERT_TRUE(r.DeclareSurface({"orders", "", {"/shop/orders"}}).ok());
  ASSERT_NE(r.SurfaceOf("/shop/orders/{id}"), nullptr);
  EXPECT_EQ(r.SurfaceOf("/shop/orders/{id}")->tag, "orders");
  EXPECT_EQ(r.SurfaceOf("/shop/cart")->tag, "shop");
  EXPECT_EQ(r.SurfaceOf("/other"), nullptr);
}

TEST(RouterTest, ASurfaceTagOrPrefixIsDeclaredOnce) {
  Router r;
  ASSERT_TRUE(r.DeclareSurface({"shop", "", {"/shop"}}).ok());
  EXPECT_EQ(r.DeclareSurface({"shop", "", {"/store"}}).code(),
            ErrorCode::kConflict);
  EXPECT_EQ(r.DeclareSurface({"store", "", {"/store", "/shop"}}).code(),
            ErrorCode::kConflict);
  EXPECT_EQ(r.surfaces().size(), 1u);
  EXPECT_EQ(r.SurfaceOf("/store"), nullptr);
}

TEST(RouterTest, AMalformedSurfaceIsRefused) {
  Router r;
  EXPECT_EQ(r.DeclareSurface({"", "", {"/shop"}}).code(),
            ErrorCode::kValidation);
  EXPECT_EQ(r.DeclareSurface({"shop", "", {"shop"}}).code(),
            ErrorCode::kValidation);
  EXPECT_EQ(r.DeclareSurface({"shop", "", {"/shop"}, {{200, "fine"}}}).code(),
            ErrorCode::kValidation);
  EXPECT_TRUE(r.surfaces().empty());
}

}  // namespace
}  // namespace trainyard::api
