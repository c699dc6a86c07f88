#include "app/dashboard.h"

#include <cstdint>
#include <cstdio>
#include <string_view>

#include "app/dashboard_assets.h"

namespace trainyard::app {

namespace {

// A literal: a route's declared response (api/response_schema.h) keeps it.
const char* ContentType(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() &&
           name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

// A strong validator of the file's bytes (FNV-1a, 64 bits): the files
// change only with the binary, so it is computed once per route.
std::string ETagOf(const DashboardAsset& asset) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < asset.size; ++i) {
    h = (h ^ static_cast<unsigned char>(asset.data[i])) * 1099511628211ULL;
  }
  char text[24];
  std::snprintf(text, sizeof(text), "\"%016llx\"",
                static_cast<unsigned long long>(h));
  return text;
}

api::Handler Serve(const DashboardAsset& asset) {
  return [&asset,
          etag = ETagOf(asset)](api::Request& req) -> Result<api::Response> {
    api::Response r;
    for (const auto& [k, v] : DashboardHeaders()) r.AddHeader(k, v);
    // Revalidated on every load (an upgrade shows at once), answered 304
    // without the bytes while the file is unchanged.
    r.AddHeader("Cache-Control", "no-cache");
    r.AddHeader("ETag", etag);
    if (req.Header("if-none-match") == etag) {
      r.status = 304;
      r.content_type = "";
      return r;
    }
    r.status = 200;
    r.content_type = ContentType(asset.name);
    r.body.assign(asset.data, asset.size);
    return r;
  };
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& DashboardHeaders() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders = {
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; "
       "img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
      {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
  };
  return kHeaders;
}

Status AddDashboardRoutes(api::Router* router) {
  for (size_t i = 0; i < kDashboardAssetCount; ++i) {
    const DashboardAsset& asset = kDashboardAssets[i];
    const std::string name = asset.name;
    // 200 with the file (304 while the client's copy is current).
    const std::vector<api::Responds> responds = {
        {200, "", ContentType(asset.name)}};
    TY_RETURN_IF_ERROR(router->Add({"GET", "/" + name, api::Access::kPublic,
                                    Serve(asset), 0, nullptr, responds}));
    if (name == "index.html") {
      TY_RETURN_IF_ERROR(router->Add({"GET", "/", api::Access::kPublic,
                                      Serve(asset), 0, nullptr, responds}));
    }
  }
  return Status::Ok();
}

}  // namespace trainyard::app
