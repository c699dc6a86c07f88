#include "app/dashboard.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "api/content_coding.h"
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

// A file's gzip form, made once at the smallest size (level 9) on first
// use: the server would otherwise compress the scripts (98 KiB in all, the
// chart chunk 54 KiB) on every empty-cache load. Empty when compressing does
// not pay.
class GzippedAsset {
 public:
  explicit GzippedAsset(const DashboardAsset& asset) : asset_(asset) {}
  // Thread-safe; the bytes live as long as this object.
  const std::string& Bytes() {
    std::call_once(once_, [this] {
      const std::string_view plain(asset_.data, asset_.size);
      if (plain.size() < api::kMinCompressedBody ||
          !api::IsCompressible(ContentType(asset_.name)))
        return;
      Result<std::string> gz = api::Gzip(plain, 9);
      if (gz.ok() && gz->size() < plain.size()) bytes_ = std::move(*gz);
    });
    return bytes_;
  }

 private:
  const DashboardAsset& asset_;
  std::once_flag once_;
  std::string bytes_;
};

api::Handler Serve(const DashboardAsset& asset) {
  // The gzip form is another representation, so it has its own strong
  // validator (RFC 9110 8.8.3).
  const std::string etag = ETagOf(asset);
  const std::string gzip_etag = etag.substr(0, etag.size() - 1) + "-gzip\"";
  return [&asset, etag, gzip_etag,
          gzipped = std::make_shared<GzippedAsset>(asset)](
             api::Request& req) -> Result<api::Response> {
    api::Response r;
    for (const auto& [k, v] : DashboardHeaders()) r.AddHeader(k, v);
    const std::string& gz = gzipped->Bytes();
    if (!gz.empty()) r.AddHeader("Vary", "Accept-Encoding");
    const bool send_gzip =
        !gz.empty() && api::AcceptsGzip(req.Header("accept-encoding"));
    // Revalidated on every load (an upgrade shows at once), answered 304
    // without the bytes while the file is unchanged.
    r.AddHeader("Cache-Control", "no-cache");
    r.AddHeader("ETag", send_gzip ? gzip_etag : etag);
    if (req.Header("if-none-match") == (send_gzip ? gzip_etag : etag)) {
      r.status = 304;
      r.content_type = "";
      return r;
    }
    r.status = 200;
    r.content_type = ContentType(asset.name);
    if (send_gzip) {
      r.AddHeader("Content-Encoding", "gzip");
      r.body = gz;
    } else {
      r.body.assign(asset.data, asset.size);
    }
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
