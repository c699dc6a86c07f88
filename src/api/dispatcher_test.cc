#include "api/dispatcher.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "store/metadata_store.h"

namespace trainyard::api {
namespace {

using nlohmann::json;

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenSqliteStore(":memory:"));
    auth_ = std::make_unique<Authenticator>(store_->users(), &clock_, true,
                                            Principal{});
    dispatcher_ = std::make_unique<Dispatcher>(&router_, auth_.get(), &limiter_,
                                               &clock_, 64);
    admin_token_ = (*BootstrapAdmin(store_->users(), clock_))->token;
    auto user = CreateUser(store_->users(), clock_, "u", store::Tier::kFree,
                           store::Role::kUser);
    user_token_ = IssueToken(store_->users(), clock_, user->id, "")->token;
    Handler echo = [](Request& req) -> Result<Response> {
      Response r;
      r.body =
          json{{"user", req.caller().user_name}, {"id", req.path_params["id"]}}
              .dump();
      return r;
    };
    ASSERT_TRUE(router_
                    .Add({"GET", "/public", Access::kPublic,
                          [](Request&) {
                            return Result<Response>(Response{200, "\"hi\""});
                          }})
                    .ok());
    ASSERT_TRUE(router_.Add({"GET", "/items/{id}", Access::kUser, echo}).ok());
    ASSERT_TRUE(router_.Add({"POST", "/admin", Access::kAdmin, echo}).ok());
    ASSERT_TRUE(router_
                    .Add({"GET", "/boom", Access::kPublic,
                          [](Request&) -> Result<Response> {
                            throw std::runtime_error("secret path /etc/x");
                          }})
                    .ok());
    ASSERT_TRUE(
        router_
            .Add({"GET", "/fail", Access::kPublic,
                  [](Request&) -> Result<Response> {
                    return ValidationError("bad", {{"x", "must be positive"}});
                  }})
            .ok());
  }
  Response Call(const std::string& method, const std::string& path,
                const std::string& token = "", const std::string& body = "") {
    Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    return dispatcher_->Handle(req);
  }

  ManualClock clock_;
  std::unique_ptr<store::MetadataStore> store_;
  Router router_;
  RateLimiter limiter_{{3, 10, 100, 3'600'000}, &clock_, nullptr};
  std::string user_token_, admin_token_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_F(DispatcherTest, UnknownRouteIs404InStandardFormat) {
  Response r = Call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  json body = json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "RESOURCE_NOT_FOUND");
  EXPECT_TRUE(body["error"]["details"].is_object());
  EXPECT_TRUE(body["timestamp"].is_string());
  EXPECT_FALSE(HeaderOf(r, "X-Request-Id").empty());
}

TEST_F(DispatcherTest, WrongMethodIs405WithAllow) {
  Response r = Call("DELETE", "/items/1", user_token_);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET");
}

TEST_F(DispatcherTest, MissingTokenIs401) {
  Response r = Call("GET", "/items/1");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "AUTHENTICATION_ERROR");
}

TEST_F(DispatcherTest, UserTokenOnAdminRouteIs403) {
  EXPECT_EQ(Call("POST", "/admin", user_token_).status, 403);
  EXPECT_EQ(Call("POST", "/admin", admin_token_).status, 200);
}

TEST_F(DispatcherTest, HandlerSeesCallerAndPathParameters) {
  Response r = Call("GET", "/items/42/", user_token_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), (json{{"user", "u"}, {"id", "42"}}));
}

TEST_F(DispatcherTest, RateLimitHeadersThen429WithRetryAfter) {
  for (int i = 0; i < 3; ++i) {
    Response r = Call("GET", "/items/1", user_token_);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(HeaderOf(r, "X-RateLimit-Limit"), "3");
    EXPECT_EQ(HeaderOf(r, "X-RateLimit-Remaining"), std::to_string(2 - i));
  }
  Response r = Call("GET", "/items/1", user_token_);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "RATE_LIMIT_EXCEEDED");
  EXPECT_EQ(HeaderOf(r, "Retry-After"), "3600");
}

TEST_F(DispatcherTest, OversizedBodyIs413) {
  Response r = Call("POST", "/admin", admin_token_, std::string(65, 'x'));
  EXPECT_EQ(r.status, 413);
}

TEST_F(DispatcherTest, HandlerErrorBecomesStandardErrorWithDetails) {
  Response r = Call("GET", "/fail");
  EXPECT_EQ(r.status, 400);
  json body = json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "VALIDATION_ERROR");
  EXPECT_EQ(body["error"]["details"]["x"][0], "must be positive");
}

TEST_F(DispatcherTest, ExceptionIs500WithoutInternals) {
  Response r = Call("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("/etc/x"), std::string::npos);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "INTERNAL_ERROR");
}

TEST_F(DispatcherTest, SafeClientRequestIdIsEchoed) {
  Request req;
  req.method = "GET";
  req.path = "/public";
  req.headers["x-request-id"] = "abc-123";
  EXPECT_EQ(HeaderOf(dispatcher_->Handle(req), "X-Request-Id"), "abc-123");
  req.headers["x-request-id"] = "bad\nheader";
  EXPECT_NE(HeaderOf(dispatcher_->Handle(req), "X-Request-Id"), "bad\nheader");
}

}  // namespace
}  // namespace trainyard::api
