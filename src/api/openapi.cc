#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api/body_schema.h"
#include "api/error_response.h"

namespace trainyard::api {

using nlohmann::json;

namespace {

// "/api/jobs/{job_id}/logs" -> {"job_id"}
std::vector<std::string> Captures(const std::string& pattern) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = pattern.find('{', pos)) != std::string::npos) {
    const size_t close = pattern.find('}', pos);
    if (close == std::string::npos) break;
    out.push_back(pattern.substr(pos + 1, close - pos - 1));
    pos = close + 1;
  }
  return out;
}

json ErrorRef(const std::string& description) {
  return {{"description", description},
          {"content",
           {{"application/json",
             {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

const char* SuccessText(int status) {
  switch (status) {
    case 201:
      return "created";
    case 202:
      return "accepted: a job was queued (poll its Location)";
    case 204:
      return "done, no content";
    case 206:
      return "part of the content (Range)";
    default:
      return "success";
  }
}

// The declared success answers; a route that declares none is documented
// as a 200 with any body.
json SuccessResponses(const Route& route) {
  json out = json::object();
  if (route.responses.empty()) {
    out["200"] = {{"description", "success (not declared)"}};
    return out;
  }
  for (const Responds& r : route.responses) {
    json one = {{"description", SuccessText(r.status)}};
    if (r.status != 204) {
      const std::string type = r.content_type.empty()
                                   ? "application/json"
                                   : std::string(r.content_type);
      json media = json::object();
      if (r.content_type.empty()) media["schema"] = ShapeToJsonSchema(r.shape);
      one["content"] = {{type, media}};
    }
    out[std::to_string(r.status)] = std::move(one);
  }
  return out;
}

json Operation(const Router& router, const Route& route) {
  const ApiSurface* surface = router.SurfaceOf(route.pattern);
  json op = {
      {"tags", {SurfaceTag(router, route.pattern)}},
      {"summary", route.method + " " + route.pattern},
      {"operationId", route.method + " " + route.pattern},
  };
  json params = json::array();
  for (const std::string& name : Captures(route.pattern)) {
    params.push_back({{"name", name},
                      {"in", "path"},
                      {"required", true},
                      {"schema", {{"type", "string"}}}});
  }
  if (!params.empty()) op["parameters"] = params;
  if (route.body) {
    const json schema = route.body->ToJsonSchema();
    op["requestBody"] = {
        {"required", schema.contains("required")},
        {"content", {{"application/json", {{"schema", schema}}}}}};
  }  // A route without a declared body reads none.
  json responses = SuccessResponses(route);
  responses.update(json{
      {"400", ErrorRef("VALIDATION_ERROR: malformed input; details name each "
                       "field")},
      {"404", ErrorRef("RESOURCE_NOT_FOUND: unknown (or another user's) "
                       "resource")},
      {"405", ErrorRef("METHOD_NOT_ALLOWED")},
      {"413", ErrorRef("PAYLOAD_TOO_LARGE")},
      {"500", ErrorRef("INTERNAL_ERROR")},
  });
  if (route.access == Access::kPublic) {
    op["security"] = json::array();
  } else {
    op["security"] = json::array({{{"bearerAuth", json::array()}}});
    responses["401"] = ErrorRef("AUTHENTICATION_ERROR: missing or bad token");
    responses["429"] = ErrorRef("RATE_LIMIT_EXCEEDED (Retry-After)");
  }
  if (route.access == Access::kAdmin) {
    op["description"] = "Admin only.";
    responses["403"] = ErrorRef("PERMISSION_DENIED: admin-only route");
  }
  if (surface != nullptr) {
    for (const SurfaceError& e : surface->errors) {
      responses[std::to_string(e.status)] = ErrorRef(e.description);
    }
  }
  op["responses"] = responses;
  return op;
}

// The Error schema's code enum (see OpenApiDocument).
json ErrorCodes(const Router& router) {
  // ErrorCode's values run from kOk to kInternal, the last one.
  std::vector<ErrorCode> platform;
  for (int i = static_cast<int>(ErrorCode::kOk) + 1;
       i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    if (code == ErrorCode::kPaymentRequired ||
        code == ErrorCode::kUnprocessable) {
      continue;  // answered with a product's reason, which it declares
    }
    platform.push_back(code);
  }
  std::stable_sort(platform.begin(), platform.end(),
                   [](ErrorCode a, ErrorCode b) {
                     return HttpStatusFor(a) < HttpStatusFor(b);
                   });
  json codes = json::array();
  auto add = [&codes](const std::string& name) {
    if (std::find(codes.begin(), codes.end(), name) == codes.end()) {
      codes.push_back(name);
    }
  };
  for (ErrorCode code : platform) {
    if (HttpStatusFor(code) < 500) add(ErrorCodeName(code));
  }
  for (const ApiSurface& surface : router.surfaces()) {
    for (const std::string& code : surface.codes) add(code);
  }
  for (ErrorCode code : platform) {
    if (HttpStatusFor(code) >= 500) add(ErrorCodeName(code));
  }
  return codes;
}

// The document's tags (see OpenApiDocument).
json Tags(const Router& router) {
  json tags = json::array();
  bool default_declared = false;
  for (const ApiSurface& surface : router.surfaces()) {
    tags.push_back(
        {{"name", surface.tag}, {"description", surface.description}});
    default_declared |= surface.tag == kDefaultSurfaceTag;
  }
  const bool default_used =
      std::any_of(router.routes().begin(), router.routes().end(),
                  [&router](const Route& route) {
                    return router.SurfaceOf(route.pattern) == nullptr;
                  });
  if (default_used && !default_declared) {
    tags.push_back({{"name", kDefaultSurfaceTag}});
  }
  return tags;
}

json Components(const Router& router) {
  return {
      {"securitySchemes",
       {{"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description",
           "ty_ + 64 hex characters (trainyard token create)"}}}}},
      {"schemas",
       {{"Error",
         {{"type", "object"},
          {"required", {"error", "timestamp"}},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"required", {"code", "message", "details"}},
              {"properties",
               {{"code", {{"type", "string"}, {"enum", ErrorCodes(router)}}},
                {"message", {{"type", "string"}}},
                {"details", {{"type", "object"}}}}}}},
            {"timestamp", {{"type", "string"}, {"format", "date-time"}}}}}}}}}};
}

}  // namespace

std::string SurfaceTag(const Router& router, const std::string& pattern) {
  const ApiSurface* surface = router.SurfaceOf(pattern);
  return surface != nullptr ? surface->tag : kDefaultSurfaceTag;
}

std::string OpenApiDocument(const Router& router, const OpenApiInfo& info) {
  json paths = json::object();
  for (const Route& route : router.routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    paths[route.pattern][method] = Operation(router, route);
  }
  json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", info.title},
        {"version", info.version},
        {"description", info.description}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"tags", Tags(router)},
      {"paths", paths},
      {"components", Components(router)},
  };
  return doc.dump(1);
}

}  // namespace trainyard::api
