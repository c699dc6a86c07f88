#include "app/dashboard.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "api/content_coding.h"
#include "app/dashboard_assets.h"

namespace trainyard::app {
namespace {

api::Response Get(const api::Router& router, const std::string& path,
                  const std::string& if_none_match = "",
                  const std::string& accept_encoding = "") {
  // Status 0: no route, or the handler's error (a failure, not a crash).
  api::Response none;
  none.status = 0;
  api::RouteMatch m = router.Match("GET", path);
  EXPECT_NE(m.route, nullptr) << path;
  if (!m.route) return none;
  api::Request req;
  req.path_params = m.params;
  if (!if_none_match.empty()) req.headers["if-none-match"] = if_none_match;
  if (!accept_encoding.empty())
    req.headers["accept-encoding"] = accept_encoding;
  Result<api::Response> r = m.route->handler(req);
  EXPECT_TRUE(r.ok()) << path;
  return r.ok() ? *r : none;
}

std::string HeaderOf(const api::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(AddDashboardRoutes(&router_).ok()); }
  api::Router router_;
};

TEST_F(DashboardTest, RootServesThePageAsPublicHtml) {
  api::Response r = Get(router_, "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<title>Trainyard</title>"), std::string::npos);
  EXPECT_EQ(router_.Match("GET", "/").route->access, api::Access::kPublic);
}

TEST_F(DashboardTest, EveryResponseHasAStrictCspAndSecurityHeaders) {
  for (const char* path : {"/", "/app.js", "/app.css"}) {
    api::Response r = Get(router_, path);
    const std::string csp = HeaderOf(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << path;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(HeaderOf(r, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(HeaderOf(r, "Referrer-Policy"), "no-referrer") << path;
  }
}

TEST_F(DashboardTest, EveryFileThePageLoadsIsServedFromTheBinary) {
  const std::string page = Get(router_, "/").body;
  std::regex local(R"re((?:src|href)="(/[^"]*)")re");
  int found = 0;
  for (std::sregex_iterator it(page.begin(), page.end(), local), end; it != end;
       ++it) {
    const std::string path = (*it)[1];
    if (path.rfind("/api/", 0) == 0) continue;  // the API, not a file
    ++found;
    api::Response r = Get(router_, path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_FALSE(r.body.empty()) << path;
  }
  EXPECT_GE(found, 2);  // the script and the style sheet
}

// The scripts are ES modules that import their chunks by relative path
// (app.js `from"./chunks/….js"`, a chunk `from"./….js"`, and for the pages
// loaded on demand `import("./….js")`): each one must be served, as
// JavaScript (a module of another type is refused), or the page or one of
// its views does not load. Walks every import from the entry script.
TEST_F(DashboardTest, EveryChunkTheScriptsImportIsServedAsJavaScript) {
  std::vector<std::string> scripts = {"/app.js"};
  std::set<std::string> seen(scripts.begin(), scripts.end());
  std::regex import(R"re(["']\./([A-Za-z0-9_./-]+\.js)["'])re");
  for (size_t i = 0; i < scripts.size(); ++i) {
    const std::string path = scripts[i];
    api::Response r = Get(router_, path);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8") << path;
    const std::string dir = path.substr(0, path.rfind('/') + 1);
    for (std::sregex_iterator it(r.body.begin(), r.body.end(), import), end;
         it != end; ++it) {
      const std::string chunk = dir + (*it)[1].str();
      if (seen.insert(chunk).second) scripts.push_back(chunk);
    }
  }
  EXPECT_GE(seen.size(), 3u);  // the entry, a shared chunk, a page
}

TEST_F(DashboardTest, AnUnchangedFileIsRevalidatedWith304AndNoBytes) {
  for (const char* path : {"/", "/app.js", "/app.css"}) {
    api::Response first = Get(router_, path);
    const std::string etag = HeaderOf(first, "ETag");
    ASSERT_FALSE(etag.empty()) << path;
    EXPECT_EQ(HeaderOf(first, "Cache-Control"), "no-cache") << path;
    api::Response again = Get(router_, path, etag);
    EXPECT_EQ(again.status, 304) << path;
    EXPECT_TRUE(again.body.empty()) << path;
    EXPECT_EQ(Get(router_, path, "\"other\"").status, 200) << path;
  }
}

// The script and the style sheet go compressed to a browser (made once, not
// per load), as they are to a client that takes no gzip; each form has its
// own validator and revalidates to 304.
TEST_F(DashboardTest, FilesAreSentGzippedToAClientThatAcceptsGzip) {
  for (const char* path : {"/app.js", "/app.css"}) {
    SCOPED_TRACE(path);
    api::Response plain = Get(router_, path);
    api::Response gz = Get(router_, path, "", "gzip, deflate, br, zstd");
    EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
    EXPECT_EQ(HeaderOf(gz, "Content-Encoding"), "gzip");
    EXPECT_EQ(HeaderOf(gz, "Vary"), "Accept-Encoding");
    EXPECT_EQ(HeaderOf(plain, "Vary"), "Accept-Encoding");
    EXPECT_LT(gz.body.size(), plain.body.size() / 2);
    EXPECT_EQ(*api::Gunzip(gz.body), plain.body);
    EXPECT_EQ(gz.content_type, plain.content_type);
    const std::string etag = HeaderOf(gz, "ETag");
    EXPECT_NE(etag, HeaderOf(plain, "ETag"));
    EXPECT_EQ(Get(router_, path, etag, "gzip").status, 304);
    EXPECT_EQ(Get(router_, path, etag).status, 200);  // the other form
  }
}

TEST_F(DashboardTest, NoThirdPartyOriginIsReferenced) {
  for (size_t i = 0; i < kDashboardAssetCount; ++i) {
    const std::string path = std::string("/") + kDashboardAssets[i].name;
    const std::string body = Get(router_, path).body;
    EXPECT_EQ(body.find("//cdn"), std::string::npos) << path;
    EXPECT_EQ(body.find("fonts.googleapis"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace trainyard::app
