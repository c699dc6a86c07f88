// The real server on an ephemeral port, spoken to over HTTP: the behaviours
// every surface shares (welcome, health, auth, rate limits, errors, trailing
// slashes, jobs with progress and cancel).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "api/auth.h"
#include "api/openapi.h"
#include "api/router.h"
#include "app/server_app.h"
#include "core/crypto.h"
#include "core/test_support.h"

namespace trainyard {
namespace {

using nlohmann::json;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.home = tmp_.Sub("home");
    config.port = 0;
    config.workers = 1;
    config.enable_test_jobs = true;
    config.rate_limit_free = 5;
    config.max_body_bytes = 4096;
    auto app = app::ServerApp::Create(config, {.check_responses = true});
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = std::move(*app);
    ASSERT_TRUE(app_->bootstrap_token().has_value());
    admin_ = *app_->bootstrap_token();
    ASSERT_TRUE(app_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", app_->port());
    auto* users = app_->runtime().store->users();
    auto user = api::CreateUser(users, *SystemClock::Default(), "free",
                                store::Tier::kFree, store::Role::kUser);
    free_id_ = user->id;
    free_ =
        api::IssueToken(users, *SystemClock::Default(), user->id, "t")->token;
  }
  void TearDown() override { app_->Stop(); }

  httplib::Headers Auth(const std::string& token) {
    return {{"Authorization", "Bearer " + token}};
  }
  json Body(const httplib::Result& r) { return json::parse(r->body); }
  void ExpectStandardError(const httplib::Result& r, int status,
                           const std::string& code) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status);
    json body = Body(r);
    EXPECT_EQ(body["error"]["code"], code);
    EXPECT_TRUE(body["error"]["message"].is_string());
    EXPECT_TRUE(body["error"]["details"].is_object());
    EXPECT_TRUE(body["timestamp"].is_string());
    EXPECT_TRUE(r->has_header("X-Request-Id"));
  }
  // Writes each piece to a fresh connection with a pause between them (so
  // the server reads them separately) and returns everything the server
  // answered until it closed. REQUIRES: the last request asks for
  // `Connection: close` (half-closing instead makes httplib drop answers).
  std::string RawExchange(const std::vector<std::string>& pieces) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(app_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr),
              0);
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(150));
      EXPECT_EQ(::send(fd, pieces[i].data(), pieces[i].size(), MSG_NOSIGNAL),
                static_cast<ssize_t>(pieces[i].size()));
    }
    timeval timeout{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string response;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
      response.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return response;
  }
  json WaitForJob(const std::string& id, const std::string& status) {
    json job;
    for (int i = 0; i < 600; ++i) {
      job = Body(client_->Get("/api/jobs/" + id, Auth(admin_)));
      if (job["status"] == status) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return job;
  }

  testing::TempDir tmp_;
  std::unique_ptr<app::ServerApp> app_;
  std::unique_ptr<httplib::Client> client_;
  std::string admin_, free_, free_id_;
};

TEST_F(ServerTest, WelcomeIsTheDocumentedJsonString) {
  auto r = client_->Get("/api/v1/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "\"Intelligent Liquidity Provisioning Framework\"");
  EXPECT_EQ(client_->Get("/api/v1")->status, 200);
}

TEST_F(ServerTest, HealthReportsEachComponentsRealState) {
  auto r = client_->Get("/api/v1/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  json body = Body(r);
  EXPECT_EQ(body["status"], "healthy");
  EXPECT_EQ(body["components"]["api"], "healthy");
  EXPECT_EQ(body["components"]["database"], "healthy");
  EXPECT_EQ(body["components"]["kubernetes"], "not_configured");
  EXPECT_EQ(body["components"]["wandb"], "not_configured");
  EXPECT_TRUE(body["version"].is_string());
  EXPECT_TRUE(body["uptime"].is_string());
  EXPECT_EQ(client_->Get("/api/v1/health/")->status, 200);
}

TEST_F(ServerTest, MissingOrBadTokenIs401) {
  ExpectStandardError(client_->Get("/api/jobs"), 401, "AUTHENTICATION_ERROR");
  ExpectStandardError(client_->Get("/api/jobs", Auth("ty_wrong")), 401,
                      "AUTHENTICATION_ERROR");
}

TEST_F(ServerTest, AdminOnlyActionIs403ForAUser) {
  ExpectStandardError(
      client_->Post("/api/jobs", Auth(free_), "{\"type\":\"test.count\"}",
                    "application/json"),
      403, "PERMISSION_DENIED");
}

TEST_F(ServerTest, RateLimitHeadersOnEveryAuthenticatedResponseThen429) {
  for (int i = 0; i < 5; ++i) {
    auto r = client_->Get("/api/jobs", Auth(free_));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->get_header_value("X-RateLimit-Limit"), "5");
    EXPECT_EQ(r->get_header_value("X-RateLimit-Remaining"),
              std::to_string(4 - i));
    EXPECT_FALSE(r->get_header_value("X-RateLimit-Reset").empty());
  }
  auto r = client_->Get("/api/jobs", Auth(free_));
  ExpectStandardError(r, 429, "RATE_LIMIT_EXCEEDED");
  EXPECT_FALSE(r->get_header_value("Retry-After").empty());
}

TEST_F(ServerTest, UnknownRouteAndWrongMethodUseTheStandardErrorFormat) {
  ExpectStandardError(client_->Get("/api/v1/nope"), 404, "RESOURCE_NOT_FOUND");
  ExpectStandardError(client_->Delete("/api/v1/health"), 405,
                      "METHOD_NOT_ALLOWED");
}

TEST_F(ServerTest, MalformedJsonIsAValidationErrorNamingTheBody) {
  auto r = client_->Post("/api/jobs", Auth(admin_),
                         "{\"type\": ", "application/json");
  ExpectStandardError(r, 400, "VALIDATION_ERROR");
  EXPECT_TRUE(Body(r)["error"]["details"].contains("body"));
}

TEST_F(ServerTest, WrongTypesAreValidationErrorsNamingEachField) {
  auto r = client_->Post("/api/jobs", Auth(admin_),
                         "{\"type\": 5, \"params\": []}", "application/json");
  ExpectStandardError(r, 400, "VALIDATION_ERROR");
  json details = Body(r)["error"]["details"];
  EXPECT_TRUE(details.contains("type"));
  EXPECT_TRUE(details.contains("params"));
}

TEST_F(ServerTest, OversizedBodyIs413) {
  std::string big(8192, ' ');
  ExpectStandardError(
      client_->Post("/api/jobs", Auth(admin_), big, "application/json"), 413,
      "PAYLOAD_TOO_LARGE");
}

// What `curl -X POST URL` (no -d) sends: no Content-Length, no body. It is
// answered as a request with an empty body (here: the route's own error).
TEST_F(ServerTest, PostWithoutContentLengthIsAnsweredAsAnEmptyBody) {
  const std::string response = RawExchange(
      {"POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
       admin_ + "\r\nConnection: close\r\n\r\n"});
  EXPECT_EQ(response.rfind("HTTP/1.1 400", 0), 0u) << response;
  EXPECT_NE(response.find("\"VALIDATION_ERROR\""), std::string::npos);
  EXPECT_EQ(response.find("malformed HTTP request"), std::string::npos)
      << response;
}

// HTTP lets a GET (HEAD, OPTIONS, TRACE) carry a body; the server must read
// it, not parse the next request out of it. Before the fix a GET whose body
// was a whole second request, arriving after its headers, had that second
// request served on the same connection (request smuggling).
TEST_F(ServerTest, ABodyOnAGetIsReadNotServedAsTheNextRequest) {
  const std::string inner =
      "GET /api/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin_ +
      "\r\n\r\n";
  for (const std::string method : {"GET", "HEAD", "OPTIONS", "TRACE"}) {
    SCOPED_TRACE(method);
    const std::string response = RawExchange(
        {method + " /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: " +
             std::to_string(inner.size()) + "\r\n\r\n",
         inner,
         "GET /api/v1/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"});
    size_t answers = 0;
    for (size_t at = 0;
         (at = response.find("HTTP/1.1 ", at)) != std::string::npos; ++at)
      ++answers;
    EXPECT_EQ(answers, 2u) << response;  // the GET, then the last request
    EXPECT_EQ(response.find("\"results\""), std::string::npos) << response;
  }
}

// Compression: gzip for a client that offers it (every browser offers br
// too, which httplib alone would answer at brotli's slowest level), the
// plain body for one that does not, and never for small answers.
TEST_F(ServerTest, LargeAnswersAreGzippedForAClientThatAcceptsIt) {
  httplib::Client raw("127.0.0.1", app_->port());
  raw.set_decompress(false);
  auto gz = raw.Get("/api/openapi.json",
                    {{"Accept-Encoding", "gzip, deflate, br, zstd"}});
  ASSERT_TRUE(gz);
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(gz->get_header_value("Vary"), "Accept-Encoding");
  ASSERT_GE(gz->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz->body[1]), 0x8b);
  // A decompressing client reads exactly the uncompressed answer.
  auto plain = raw.Get("/api/openapi.json");
  ASSERT_TRUE(plain);
  EXPECT_LT(gz->body.size(), plain->body.size() / 3);
  auto decoded = client_->Get("/api/openapi.json",
                              {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->body, plain->body);
}

TEST_F(ServerTest, AnswersAreNotCompressedForAClientThatOffersNoGzip) {
  httplib::Client raw("127.0.0.1", app_->port());
  raw.set_decompress(false);
  for (const std::string offer : {"", "br", "identity", "gzip;q=0"}) {
    SCOPED_TRACE(offer);
    httplib::Headers headers;
    if (!offer.empty()) headers.emplace("Accept-Encoding", offer);
    auto r = raw.Get("/api/openapi.json", headers);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->has_header("Content-Encoding"));
    EXPECT_NO_THROW((void)json::parse(r->body));
  }
}

TEST_F(ServerTest, SmallAnswersAndTheDashboardScriptAreHandledBySize) {
  httplib::Client raw("127.0.0.1", app_->port());
  raw.set_decompress(false);
  auto health = raw.Get("/api/v1/health", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(health);
  EXPECT_FALSE(health->has_header("Content-Encoding"));
  auto script = raw.Get("/app.js", {{"Accept-Encoding", "gzip, br"}});
  ASSERT_TRUE(script);
  EXPECT_EQ(script->status, 200);
  EXPECT_EQ(script->get_header_value("Content-Encoding"), "gzip");
}

TEST_F(ServerTest, JobRunsToCompletionWithProgress) {
  auto r = client_->Post(
      "/api/jobs", Auth(admin_),
      R"({"type":"test.count","params":{"units":5,"sleep_ms":10}})",
      "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  json job = WaitForJob(Body(r)["id"], "completed");
  EXPECT_EQ(job["status"], "completed");
  EXPECT_EQ(job["progress"], 1.0);
  EXPECT_EQ(job["result"]["counted"], 5);
}

TEST_F(ServerTest, JobMetricsAreColumnarAndPolledSinceAStep) {
  auto r = client_->Post(
      "/api/jobs", Auth(admin_),
      R"({"type":"test.count","params":{"units":5,"sleep_ms":10}})",
      "application/json");
  const std::string id = Body(r)["id"];
  WaitForJob(id, "completed");
  json all = Body(client_->Get("/api/jobs/" + id + "/metrics", Auth(admin_)));
  EXPECT_EQ(all["steps"], json({1, 2, 3, 4, 5})) << all.dump();
  EXPECT_EQ(all["series"]["count"], json({1.0, 2.0, 3.0, 4.0, 5.0}));
  EXPECT_EQ(all["series"]["episode_return_mean"].size(), 5u);
  EXPECT_EQ(all["times"].size(), 5u);
  EXPECT_EQ(all["next_since"], 5);
  EXPECT_EQ(all["has_more"], false);
  EXPECT_EQ(all["status"], "completed");

  json page = Body(client_->Get("/api/jobs/" + id + "/metrics?since=3&limit=1",
                                Auth(admin_)));
  EXPECT_EQ(page["steps"], json({4}));
  EXPECT_EQ(page["next_since"], 4);
  EXPECT_EQ(page["has_more"], true);

  json none =
      Body(client_->Get("/api/jobs/" + id + "/metrics?since=5", Auth(admin_)));
  EXPECT_EQ(none["steps"], json::array());
  EXPECT_EQ(none["series"], json::object());
  EXPECT_EQ(none["next_since"], 5);
}

TEST_F(ServerTest, JobMetricsAreAlsoTensorBoardEventFilesUnderRuns) {
  auto r = client_->Post(
      "/api/jobs", Auth(admin_),
      R"({"type":"test.count","params":{"units":3,"sleep_ms":10}})",
      "application/json");
  const std::string id = Body(r)["id"];
  WaitForJob(id, "completed");
  int files = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(tmp_.Sub("home/runs/" + id))) {
    files += e.path().filename().string().find("tfevents") != std::string::npos;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(ServerTest, JobMetricsRefuseABadCursorAndOthersJobs) {
  auto r = client_->Post(
      "/api/jobs", Auth(admin_),
      R"({"type":"test.count","params":{"units":1,"sleep_ms":1}})",
      "application/json");
  const std::string id = Body(r)["id"];
  ExpectStandardError(
      client_->Get("/api/jobs/" + id + "/metrics?since=x", Auth(admin_)), 400,
      "VALIDATION_ERROR");
  ExpectStandardError(
      client_->Get("/api/jobs/" + id + "/metrics?limit=0", Auth(admin_)), 400,
      "VALIDATION_ERROR");
  ExpectStandardError(client_->Get("/api/jobs/" + id + "/metrics", Auth(free_)),
                      404, "RESOURCE_NOT_FOUND");
}

// Every routed path of every surface built in (server, jobs, registry, ILP,
// AI Studio, gym, dashboard): the OpenAPI document shows no success answer
// as "not declared".
TEST_F(ServerTest, EveryRouteDeclaresWhatItAnswersOnSuccess) {
  for (const auto& route : app_->router().routes()) {
    EXPECT_FALSE(route.responses.empty())
        << route.method << " " << route.pattern
        << " declares no success answer (Router::DeclareResponses)";
    for (const api::Responds& r : route.responses) {
      if (!r.content_type.empty() || r.status == 204) continue;
      EXPECT_NE(api::ShapeToJsonSchema(r.shape), json(false))
          << route.method << " " << route.pattern << ": malformed shape";
    }
  }
}

TEST_F(ServerTest, OpenApiDocumentListsExactlyTheRoutedPathsAndMethods) {
  auto r = client_->Get("/api/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json doc = json::parse(r->body);  // throws (fails) if it does not parse
  EXPECT_EQ(doc["openapi"], "3.1.0");
  size_t operations = 0;
  for (const auto& route : app_->router().routes()) {
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    EXPECT_TRUE(doc["paths"].contains(route.pattern) &&
                doc["paths"][route.pattern].contains(method))
        << route.method << " " << route.pattern
        << " is routed but not documented";
    ++operations;
  }
  size_t documented = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      bool routed = false;
      for (const auto& route : app_->router().routes())
        routed |= route.pattern == path && route.method == upper;
      EXPECT_TRUE(routed) << upper << " " << path
                          << " is documented but not routed";
      ++documented;
    }
  }
  EXPECT_EQ(documented, operations);
  EXPECT_TRUE(doc["paths"].contains("/api/jobs/{job_id}/metrics"));
}

TEST_F(ServerTest, ADocumentedBodyIsTheOneTheRouteValidates) {
  json doc = Body(client_->Get("/api/openapi.json"));
  const json& schema = doc["paths"]["/api/jobs"]["post"]["requestBody"]
                          ["content"]["application/json"]["schema"];
  EXPECT_EQ(schema["required"], json({"type"})) << schema.dump();
  EXPECT_EQ(schema["additionalProperties"], false);
  const int64_t max = schema["properties"]["max_attempts"]["maximum"];
  // One above the documented maximum, and an undocumented member: refused,
  // each named.
  auto r = client_->Post(
      "/api/jobs", Auth(admin_),
      json{{"type", "test.count"}, {"max_attempts", max + 1}, {"extra", 1}}
          .dump(),
      "application/json");
  ExpectStandardError(r, 400, "VALIDATION_ERROR");
  const json details = Body(r)["error"]["details"];
  EXPECT_TRUE(details.contains("max_attempts")) << details.dump();
  EXPECT_TRUE(details.contains("extra")) << details.dump();
  // The documented maximum itself is accepted.
  auto ok = client_->Post(
      "/api/jobs", Auth(admin_),
      json{{"type", "test.count"}, {"max_attempts", max}, {"total_units", 1}}
          .dump(),
      "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201) << ok->body;
  // A product route declares its body too.
  const json& gym = doc["paths"]["/api/v1/training"]["post"]["requestBody"]
                       ["content"]["application/json"]["schema"];
  EXPECT_NE(gym["properties"]["model_type"]["enum"].dump().find("\"ppo\""),
            std::string::npos)
      << gym.dump();
}

TEST_F(ServerTest, PrometheusMetricsNeedAnAdminToken) {
  ExpectStandardError(client_->Get("/metrics"), 401, "AUTHENTICATION_ERROR");
  ExpectStandardError(client_->Get("/metrics", Auth(free_)), 403,
                      "PERMISSION_DENIED");
}

TEST_F(ServerTest, PrometheusMetricsCountRequestsAndJobsAndPassPromtool) {
  auto job = client_->Post(
      "/api/jobs", Auth(admin_),
      R"({"type":"test.count","params":{"units":2,"sleep_ms":1}})",
      "application/json");
  WaitForJob(Body(job)["id"], "completed");
  auto r = client_->Get("/metrics", Auth(admin_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = r->body;
  EXPECT_NE(
      text.find(
          R"(trainyard_http_requests_total{method="POST",route="/api/jobs",status="201"} 1)"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(R"(trainyard_jobs{type="test.count",status="completed"} 1)"),
      std::string::npos);
  EXPECT_NE(text.find("trainyard_job_queue_depth 0"), std::string::npos);
  EXPECT_NE(text.find("trainyard_http_request_duration_seconds_bucket{"),
            std::string::npos);
  // Debian's prometheus package (scripts/debian-packages.txt) checks the
  // exposition format and the naming conventions.
  const std::string file = tmp_.Sub("metrics.txt");
  {
    FILE* f = std::fopen(file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  const std::string cmd = "promtool check metrics < " + file + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << "promtool check metrics: " << out;
}

TEST_F(ServerTest, PrometheusMetricsTimeTheDatabaseAndCountWebhooks) {
  auto r = client_->Get("/metrics", Auth(admin_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find(R"(trainyard_database_up{backend="sqlite"} 1)"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("trainyard_database_ping_seconds{"),
            std::string::npos);
  EXPECT_NE(r->body.find(R"(trainyard_webhook_deliveries{status="failed"} 0)"),
            std::string::npos);
  EXPECT_NE(r->body.find("trainyard_webhook_failed_attempts_total 0"),
            std::string::npos);
}

TEST_F(ServerTest, AdminListsUsersAndTokensByPrefixOnly) {
  json users = Body(client_->Get("/api/admin/users", Auth(admin_)));
  ASSERT_EQ(users["count"], 2) << users.dump();
  std::set<std::string> names;
  for (const auto& u : users["results"]) names.insert(u["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"admin", "free"}));
  json tokens = Body(client_->Get("/api/admin/tokens", Auth(admin_)));
  ASSERT_EQ(tokens["count"], 2) << tokens.dump();
  for (const auto& t : tokens["results"]) {
    EXPECT_EQ(t["prefix"].get<std::string>().rfind("ty_", 0), 0u);
    EXPECT_FALSE(t.contains("token_hash"));
    EXPECT_TRUE(t["user_name"] == "admin" || t["user_name"] == "free");
  }
  // Neither the tokens nor their hashes appear anywhere in the answer.
  const std::string raw = client_->Get("/api/admin/tokens", Auth(admin_))->body;
  for (const std::string& token : {admin_, free_}) {
    EXPECT_EQ(raw.find(token), std::string::npos);
    EXPECT_EQ(raw.find(Sha256Hex(token)), std::string::npos);
  }
}

TEST_F(ServerTest, AdminListsArePaginated) {
  json page =
      Body(client_->Get("/api/admin/tokens?page_size=1&page=2", Auth(admin_)));
  EXPECT_EQ(page["count"], 2) << page.dump();
  EXPECT_EQ(page["results"].size(), 1u);
  EXPECT_TRUE(page["next"].is_null());
  EXPECT_FALSE(page["previous"].is_null());
  ExpectStandardError(
      client_->Get("/api/admin/users?page_size=0", Auth(admin_)), 400,
      "VALIDATION_ERROR");
}

TEST_F(ServerTest, AdminIssuesATokenShownOnceThatSignsRequests) {
  auto r = client_->Post("/api/admin/tokens", Auth(admin_),
                         json{{"user_id", free_id_}, {"name", "laptop"}}.dump(),
                         "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  const json issued = Body(r);
  const std::string token = issued["token"];
  EXPECT_EQ(token.rfind(issued["prefix"].get<std::string>(), 0), 0u);
  EXPECT_EQ(issued["user_name"], "free");
  EXPECT_EQ(issued["name"], "laptop");
  EXPECT_EQ(client_->Get("/api/jobs", Auth(token))->status, 200);
  // Listed by its prefix; neither it nor its hash is ever shown again.
  const std::string list =
      client_->Get("/api/admin/tokens", Auth(admin_))->body;
  EXPECT_NE(list.find(issued["id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(list.find(token), std::string::npos);
  EXPECT_EQ(list.find(Sha256Hex(token)), std::string::npos);
  auto audit = app_->runtime().store->audit()->Recent(5);
  ASSERT_TRUE(audit.ok());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().action, "token.create");
  EXPECT_EQ(audit->front().target, issued["id"]);
}

TEST_F(ServerTest, AdminTokenRequestsAreValidated) {
  auto post = [&](const json& body) {
    return client_->Post("/api/admin/tokens", Auth(admin_), body.dump(),
                         "application/json");
  };
  ExpectStandardError(post(json::object()), 400, "VALIDATION_ERROR");
  ExpectStandardError(post({{"user_id", free_id_}, {"role", "admin"}}), 400,
                      "VALIDATION_ERROR");
  ExpectStandardError(post({{"user_id", "no-such-user"}}), 404,
                      "RESOURCE_NOT_FOUND");
  ExpectStandardError(client_->Post("/api/admin/tokens/no-such-token/revoke",
                                    Auth(admin_), "", "application/json"),
                      404, "RESOURCE_NOT_FOUND");
}

TEST_F(ServerTest, ARevokedTokenIsRefusedAtOnce) {
  json tokens = Body(client_->Get("/api/admin/tokens", Auth(admin_)));
  std::string free_token_id;
  for (const auto& t : tokens["results"]) {
    if (t["user_name"] == "free") free_token_id = t["id"];
  }
  ASSERT_FALSE(free_token_id.empty()) << tokens.dump();
  ASSERT_EQ(client_->Get("/api/jobs", Auth(free_))->status, 200);
  const std::string path = "/api/admin/tokens/" + free_token_id + "/revoke";
  auto r = client_->Post(path, Auth(admin_), "", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_FALSE(Body(r)["revoked_at"].is_null());
  // Within the token cache's TTL: this process forgot it on revocation.
  ExpectStandardError(client_->Get("/api/jobs", Auth(free_)), 401,
                      "AUTHENTICATION_ERROR");
  // Revoking again changes nothing.
  auto again = client_->Post(path, Auth(admin_), "", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(Body(again)["revoked_at"], Body(r)["revoked_at"]);
}

TEST_F(ServerTest, AnAdminCannotRevokeTheTokenItSignsWith) {
  json tokens = Body(client_->Get("/api/admin/tokens", Auth(admin_)));
  std::string admin_token_id;
  for (const auto& t : tokens["results"]) {
    if (t["user_name"] == "admin") admin_token_id = t["id"];
  }
  ASSERT_FALSE(admin_token_id.empty());
  ExpectStandardError(
      client_->Post("/api/admin/tokens/" + admin_token_id + "/revoke",
                    Auth(admin_), "", "application/json"),
      409, "CONFLICT");
  EXPECT_EQ(client_->Get("/api/jobs", Auth(admin_))->status, 200);
}

TEST_F(ServerTest, OnlyAdminsIssueOrRevokeTokens) {
  ExpectStandardError(
      client_->Post("/api/admin/tokens", Auth(free_),
                    json{{"user_id", free_id_}}.dump(), "application/json"),
      403, "PERMISSION_DENIED");
  ExpectStandardError(client_->Post("/api/admin/tokens/x/revoke", Auth(free_),
                                    "", "application/json"),
                      403, "PERMISSION_DENIED");
  json tokens = Body(client_->Get("/api/admin/tokens", Auth(admin_)));
  EXPECT_EQ(tokens["count"], 2) << "a refused request issued a token";
}

TEST_F(ServerTest, AdminCreatesAUserThatATokenThenSignsFor) {
  auto r = client_->Post(
      "/api/admin/users", Auth(admin_),
      json{{"name", "dana"}, {"tier", "PRO"}, {"credits", 25}}.dump(),
      "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const json user = Body(r);
  EXPECT_EQ(user["name"], "dana");
  EXPECT_EQ(user["tier"], "PRO");
  EXPECT_EQ(user["role"], "user");
  EXPECT_EQ(user["credits"], 25.0);
  auto audit = app_->runtime().store->audit()->Recent(1);
  ASSERT_TRUE(audit.ok());
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().action, "user.create");
  EXPECT_EQ(audit->front().target, user["id"]);
  auto issued =
      client_->Post("/api/admin/tokens", Auth(admin_),
                    json{{"user_id", user["id"]}}.dump(), "application/json");
  ASSERT_EQ(issued->status, 201) << issued->body;
  const std::string token = Body(issued)["token"];
  EXPECT_EQ(client_->Get("/api/jobs", Auth(token))->status, 200);
}

TEST_F(ServerTest, CreatingAUserRefusesABadBodyAndATakenName) {
  auto post = [&](const json& body) {
    return client_->Post("/api/admin/users", Auth(admin_), body.dump(),
                         "application/json");
  };
  ExpectStandardError(post(json::object()), 400, "VALIDATION_ERROR");
  ExpectStandardError(post({{"name", "x"}, {"tier", "GOLD"}}), 400,
                      "VALIDATION_ERROR");
  ExpectStandardError(post({{"name", "x"}, {"credits", -1}}), 400,
                      "VALIDATION_ERROR");
  ExpectStandardError(post({{"name", "free"}}), 409, "CONFLICT");
  json users = Body(client_->Get("/api/admin/users", Auth(admin_)));
  EXPECT_EQ(users["count"], 2) << users.dump();
}

TEST_F(ServerTest, ANonAdminCannotCreateUsers) {
  ExpectStandardError(
      client_->Post("/api/admin/users", Auth(free_),
                    json{{"name", "mallory"}, {"role", "admin"}}.dump(),
                    "application/json"),
      403, "PERMISSION_DENIED");
  json users = Body(client_->Get("/api/admin/users", Auth(admin_)));
  EXPECT_EQ(users["count"], 2) << "a refused request created a user";
}

TEST_F(ServerTest, UsersAndTokensAreListedForAdminsOnly) {
  for (const char* path : {"/api/admin/users", "/api/admin/tokens"}) {
    ExpectStandardError(client_->Get(path, Auth(free_)), 403,
                        "PERMISSION_DENIED");
    ExpectStandardError(client_->Get(path), 401, "AUTHENTICATION_ERROR");
  }
}

TEST_F(ServerTest, CancelStopsARunningJobFast) {
  auto r = client_->Post(
      "/api/jobs", Auth(admin_),
      R"({"type":"test.count","params":{"units":1000,"sleep_ms":20}})",
      "application/json");
  std::string id = Body(r)["id"];
  WaitForJob(id, "running");
  auto c = client_->Post("/api/jobs/" + id + "/cancel", Auth(admin_), "",
                         "application/json");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 200);
  json job = WaitForJob(id, "cancelled");
  EXPECT_EQ(job["status"], "cancelled");
  EXPECT_LT(job["current_units"].get<int>(), 1000);
}

TEST_F(ServerTest, UsersCannotSeeOthersJobs) {
  auto r = client_->Post("/api/jobs", Auth(admin_), R"({"type":"test.fail"})",
                         "application/json");
  std::string id = Body(r)["id"];
  ExpectStandardError(client_->Get("/api/jobs/" + id, Auth(free_)), 404,
                      "RESOURCE_NOT_FOUND");
  EXPECT_EQ(Body(client_->Get("/api/jobs", Auth(free_)))["count"], 0);
}

TEST_F(ServerTest, FailedJobReportsItsError) {
  auto r =
      client_->Post("/api/jobs", Auth(admin_),
                    R"({"type":"test.fail","params":{"message":"no data"}})",
                    "application/json");
  json job = WaitForJob(Body(r)["id"], "failed");
  EXPECT_EQ(job["error"], "no data");
}

}  // namespace
}  // namespace trainyard
