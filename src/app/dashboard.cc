#include "app/dashboard.h"

#include <string_view>

#include "app/dashboard_assets.h"

namespace trainyard::app {

namespace {

std::string ContentType(std::string_view name) {
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

api::Handler Serve(const DashboardAsset& asset) {
  return [&asset](api::Request&) -> Result<api::Response> {
    api::Response r;
    r.status = 200;
    r.content_type = ContentType(asset.name);
    r.body.assign(asset.data, asset.size);
    for (const auto& [k, v] : DashboardHeaders()) r.AddHeader(k, v);
    // The files change only with the binary; revalidate so an upgrade shows.
    r.AddHeader("Cache-Control", "no-cache");
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
    TY_RETURN_IF_ERROR(
        router->Add({"GET", "/" + name, api::Access::kPublic, Serve(asset)}));
    if (name == "index.html") {
      TY_RETURN_IF_ERROR(
          router->Add({"GET", "/", api::Access::kPublic, Serve(asset)}));
    }
  }
  return Status::Ok();
}

}  // namespace trainyard::app
