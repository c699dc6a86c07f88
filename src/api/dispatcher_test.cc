#include "api/dispatcher.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/file_response.h"
#include "core/test_support.h"
#include "core/utf8.h"
#include "store/metadata_store.h"
#include "store/test_backends.h"

namespace trainyard::api {
namespace {

using nlohmann::json;

std::string HeaderOf(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class DispatcherTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << db_.skip_reason();
    auto opened = db_.OpenStore();
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
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
            .Add({"POST", "/upload", Access::kPublic,
                  [](Request& req) -> Result<Response> {
                    return Response{200, std::to_string(req.body.size())};
                  },
                  128})
            .ok());
    ASSERT_TRUE(router_
                    .Add({"GET", "/file", Access::kPublic,
                          [this](Request&) {
                            return FileAttachmentResponse(file_, "f.txt",
                                                          "text/plain");
                          }})
                    .ok());
    file_ = tmp_.Sub("f.txt");
    std::ofstream(file_) << "0123456789";
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
  Response GetRange(const std::string& path, const std::string& range) {
    Request req;
    req.method = "GET";
    req.path = path;
    req.headers["range"] = range;
    return dispatcher_->Handle(req);
  }
  // The bytes a streamed response would send.
  static std::string Drain(const Response& r) {
    std::string out, chunk;
    while (static_cast<int64_t>(out.size()) < r.stream_size &&
           r.stream(static_cast<int64_t>(out.size()), 4, &chunk)) {
      out += chunk;
    }
    return out;
  }

  testing::TempDir tmp_;
  std::string file_;

  ManualClock clock_;
  store::testdb::TestDatabase db_{GetParam()};
  std::unique_ptr<store::MetadataStore> store_;
  Router router_;
  RateLimiter limiter_{{3, 10, 100, 3'600'000}, &clock_, nullptr};
  std::string user_token_, admin_token_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Dispatcher> dispatcher_;
};

TEST_P(DispatcherTest, ADeclaredResponseIsCheckedWhenAsked) {
  ASSERT_TRUE(
      router_
          .DeclareResponses(
              {{"GET",
                "/items/{id}",
                {{200, R"({"id": "string", "user": "string"})"}}},
               {"GET", "/public", {{200, R"({"greeting": "string"})"}}}})
          .ok());
  Dispatcher checking(&router_, auth_.get(), &limiter_, &clock_, 64, nullptr,
                      /*check_responses=*/true);
  Request conforming;
  conforming.method = "GET";
  conforming.path = "/items/7";
  conforming.headers["authorization"] = "Bearer " + user_token_;
  EXPECT_EQ(checking.Handle(conforming).status, 200);
  Request drifted;  // answers "hi", declared an object
  drifted.method = "GET";
  drifted.path = "/public";
  Response r = checking.Handle(drifted);
  EXPECT_EQ(r.status, 500);  // the log names the mismatch
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "INTERNAL_ERROR");
  // Without the check (production), the answer is served as the handler
  // made it.
  EXPECT_EQ(Call("GET", "/public").status, 200);
}

TEST_P(DispatcherTest, AnUndeclaredSuccessStatusIsCaughtWhenChecking) {
  ASSERT_TRUE(
      router_.DeclareResponses({{"GET", "/public", {{201, "string"}}}}).ok());
  Dispatcher checking(&router_, auth_.get(), &limiter_, &clock_, 64, nullptr,
                      /*check_responses=*/true);
  Request req;
  req.method = "GET";
  req.path = "/public";
  EXPECT_EQ(checking.Handle(req).status, 500);
}

TEST_P(DispatcherTest,
       ASuccessOfARouteThatDeclaresNothingIsCaughtWhenChecking) {
  Dispatcher checking(&router_, auth_.get(), &limiter_, &clock_, 64, nullptr,
                      /*check_responses=*/true);
  Request req;
  req.method = "GET";
  req.path = "/public";
  Response r = checking.Handle(req);
  EXPECT_EQ(r.status, 500);  // the log names the route
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "INTERNAL_ERROR");
  EXPECT_EQ(Call("GET", "/public").status, 200);  // unchecked: served
}

TEST_P(DispatcherTest, UnknownRouteIs404InStandardFormat) {
  Response r = Call("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  json body = json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "RESOURCE_NOT_FOUND");
  EXPECT_TRUE(body["error"]["details"].is_object());
  EXPECT_TRUE(body["timestamp"].is_string());
  EXPECT_FALSE(HeaderOf(r, "X-Request-Id").empty());
}

TEST_P(DispatcherTest, WrongMethodIs405WithAllow) {
  Response r = Call("DELETE", "/items/1", user_token_);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(HeaderOf(r, "Allow"), "GET");
}

TEST_P(DispatcherTest, MissingTokenIs401) {
  Response r = Call("GET", "/items/1");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "AUTHENTICATION_ERROR");
}

TEST_P(DispatcherTest, UserTokenOnAdminRouteIs403) {
  EXPECT_EQ(Call("POST", "/admin", user_token_).status, 403);
  EXPECT_EQ(Call("POST", "/admin", admin_token_).status, 200);
}

TEST_P(DispatcherTest, HandlerSeesCallerAndPathParameters) {
  Response r = Call("GET", "/items/42/", user_token_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), (json{{"user", "u"}, {"id", "42"}}));
}

TEST_P(DispatcherTest, RateLimitHeadersThen429WithRetryAfter) {
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

TEST_P(DispatcherTest, OversizedBodyIs413) {
  Response r = Call("POST", "/admin", admin_token_, std::string(65, 'x'));
  EXPECT_EQ(r.status, 413);
}

TEST_P(DispatcherTest, HandlerErrorBecomesStandardErrorWithDetails) {
  Response r = Call("GET", "/fail");
  EXPECT_EQ(r.status, 400);
  json body = json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "VALIDATION_ERROR");
  EXPECT_EQ(body["error"]["details"]["x"][0], "must be positive");
}

TEST_P(DispatcherTest, ExceptionIs500WithoutInternals) {
  Response r = Call("GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("/etc/x"), std::string::npos);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "INTERNAL_ERROR");
}

TEST_P(DispatcherTest, SafeClientRequestIdIsEchoed) {
  Request req;
  req.method = "GET";
  req.path = "/public";
  req.headers["x-request-id"] = "abc-123";
  EXPECT_EQ(HeaderOf(dispatcher_->Handle(req), "X-Request-Id"), "abc-123");
  req.headers["x-request-id"] = "bad\nheader";
  EXPECT_NE(HeaderOf(dispatcher_->Handle(req), "X-Request-Id"), "bad\nheader");
}

TEST_P(DispatcherTest, EachRouteHasItsOwnBodyLimit) {
  EXPECT_EQ(Call("POST", "/upload", "", std::string(100, 'x')).status, 200);
  Response r = Call("POST", "/upload", "", std::string(129, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(
      json::parse(r.body)["error"]["message"].get<std::string>().find("128"),
      std::string::npos);
  // The HTTP layer must read bodies up to the largest route limit.
  EXPECT_EQ(dispatcher_->largest_body_limit(), 128);
}

TEST_P(DispatcherTest, InvalidUtf8PathIs400NamingThePath) {
  Response r = Call("GET", "/items/\xFF\xFE");
  EXPECT_EQ(r.status, 400);
  json body = json::parse(r.body);  // serialisable: nothing echoed raw
  EXPECT_EQ(body["error"]["code"], "VALIDATION_ERROR");
  EXPECT_TRUE(body["error"]["details"].contains("path"));
}

TEST_P(DispatcherTest, InvalidUtf8QueryValueIs400NamingTheParameter) {
  Request req;
  req.method = "GET";
  req.path = "/public";
  req.query = {{"model_name", "\xFF"}};
  Response r = dispatcher_->Handle(req);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(json::parse(r.body)["error"]["details"].contains("model_name"));
}

TEST_P(DispatcherTest, ErrorMessagesNeverEchoUnserialisableBytes) {
  ASSERT_TRUE(router_
                  .Add({"GET", "/echo", Access::kPublic,
                        [](Request&) -> Result<Response> {
                          return NotFoundError("no model '\xFF\xC0'");
                        }})
                  .ok());
  Response r = Call("GET", "/echo");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(IsValidUtf8(r.body));
  EXPECT_EQ(json::parse(r.body)["error"]["message"],
            "no model '\xEF\xBF\xBD\xEF\xBF\xBD'");
}

TEST_P(DispatcherTest, RangeIsIgnoredOnOrdinaryResponses) {
  Response r = GetRange("/public", "bytes=0-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "\"hi\"");
  EXPECT_EQ(HeaderOf(r, "Content-Range"), "");
  Response missing = GetRange("/nope", "bytes=0-5");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(json::parse(missing.body).contains("error"));
}

TEST_P(DispatcherTest, DownloadWithoutRangeIsTheWholeFile) {
  Response r = GetRange("/file", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(HeaderOf(r, "Accept-Ranges"), "bytes");
  EXPECT_EQ(Drain(r), "0123456789");
}

TEST_P(DispatcherTest, DownloadHonoursOneByteRangeWith206) {
  struct Case {
    const char* range;
    const char* content_range;
    const char* bytes;
  };
  for (const Case& c :
       {Case{"bytes=2-4", "bytes 2-4/10", "234"},
        Case{"bytes=7-", "bytes 7-9/10", "789"},
        Case{"bytes=-3", "bytes 7-9/10", "789"},
        Case{"bytes=-30", "bytes 0-9/10", "0123456789"},
        Case{"bytes=8-99999999999999999999", "bytes 8-9/10", "89"}}) {
    Response r = GetRange("/file", c.range);
    EXPECT_EQ(r.status, 206) << c.range;
    EXPECT_EQ(HeaderOf(r, "Content-Range"), c.content_range) << c.range;
    EXPECT_EQ(r.stream_size, static_cast<int64_t>(strlen(c.bytes)));
    EXPECT_EQ(Drain(r), c.bytes) << c.range;
  }
}

TEST_P(DispatcherTest, DownloadAnswersOtherRangesWith416InStandardFormat) {
  for (const char* range :
       {"bytes=10-", "bytes=99999999999-", "bytes=0-1,5-6", "bytes=5-1",
        "items=0-1", "bytes=", "garbage", "bytes=-0", "bytes=a-b"}) {
    Response r = GetRange("/file", range);
    EXPECT_EQ(r.status, 416) << range;
    EXPECT_FALSE(r.stream) << range;
    EXPECT_EQ(HeaderOf(r, "Content-Range"), "bytes */10") << range;
    json body = json::parse(r.body);
    EXPECT_EQ(body["error"]["code"], "RANGE_NOT_SATISFIABLE") << range;
    EXPECT_TRUE(body["error"]["details"].contains("range"));
  }
}

TEST_P(DispatcherTest, IfRangeServesTheWholeFile) {
  Request req;
  req.method = "GET";
  req.path = "/file";
  req.headers["range"] = "bytes=0-1";
  req.headers["if-range"] = "\"some-etag\"";
  Response r = dispatcher_->Handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Drain(r), "0123456789");
}

INSTANTIATE_TEST_SUITE_P(Backends, DispatcherTest,
                         ::testing::ValuesIn(store::testdb::Backends()),
                         store::testdb::BackendName);

}  // namespace
}  // namespace trainyard::api
