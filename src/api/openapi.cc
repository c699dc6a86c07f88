#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "api/body_schema.h"

namespace trainyard::api {

using nlohmann::json;

namespace {

bool StartsWith(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

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

json Operation(const Route& route) {
  const std::string surface = SurfaceOf(route.pattern);
  json op = {
      {"tags", {surface}},
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
  if (surface == "AI Studio") {
    responses["402"] =
        ErrorRef("INSUFFICIENT_CREDITS or SUBSCRIPTION_REQUIRED");
  }
  op["responses"] = responses;
  return op;
}

json Components() {
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
               {{"code",
                 {{"type", "string"},
                  {"enum",
                   {"VALIDATION_ERROR", "AUTHENTICATION_ERROR",
                    "PERMISSION_DENIED", "RESOURCE_NOT_FOUND",
                    "METHOD_NOT_ALLOWED", "CONFLICT", "PAYLOAD_TOO_LARGE",
                    "RATE_LIMIT_EXCEEDED", "INSUFFICIENT_CREDITS",
                    "SUBSCRIPTION_REQUIRED", "MODEL_TRAINING_ERROR",
                    "INTERNAL_ERROR", "SERVICE_UNAVAILABLE"}}}},
                {"message", {{"type", "string"}}},
                {"details", {{"type", "object"}}}}}}},
            {"timestamp", {{"type", "string"}, {"format", "date-time"}}}}}}}}}};
}

}  // namespace

std::string SurfaceOf(const std::string& pattern) {
  if (StartsWith(pattern, "/api/ai-studio")) return "AI Studio";
  if (StartsWith(pattern, "/api/jobs")) return "jobs";
  if (StartsWith(pattern, "/api/models")) return "models";
  if (StartsWith(pattern, "/api/v1/training") ||
      StartsWith(pattern, "/api/v1/models") ||
      StartsWith(pattern, "/api/v1/groups") ||
      StartsWith(pattern, "/api/v1/health") ||
      StartsWith(pattern, "/api/v1/metrics")) {
    return "gym";
  }
  if (StartsWith(pattern, "/api/v1")) return "ILP";
  return "server";
}

std::string OpenApiDocument(const Router& router, const OpenApiInfo& info) {
  json paths = json::object();
  for (const Route& route : router.routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    paths[route.pattern][method] = Operation(route);
  }
  json doc = {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", info.title},
        {"version", info.version},
        {"description", info.description}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"tags",
       {{{"name", "ILP"}, {"description", "liquidity provisioning (ilp-api)"}},
        {{"name", "AI Studio"}, {"description", "trading models (studio-api)"}},
        {{"name", "gym"}, {"description", "edge-scaling gym (gym-api)"}},
        {{"name", "jobs"}, {"description", "product-neutral jobs"}},
        {{"name", "models"},
         {"description", "the model registry across products"}},
        {{"name", "server"},
         {"description", "dashboard, metrics, reference"}}}},
      {"paths", paths},
      {"components", Components()},
  };
  return doc.dump(1);
}

}  // namespace trainyard::api
