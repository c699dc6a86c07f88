#include "api/routes/registry_routes.h"

#include <nlohmann/json.hpp>

#include "api/error_response.h"
#include "api/job_json.h"
#include "api/json_validator.h"
#include "api/pagination.h"
#include "core/clock.h"

namespace trainyard::api {

using nlohmann::json;

namespace {

// Where the owning product serves the model (its own richer answer).
std::string ProductPath(const store::ModelRecord& m) {
  const std::string product = store::ProductOfKind(m.kind);
  if (product == "studio") return "/api/ai-studio/models/" + m.id + "/";
  if (product == "gym") return "/api/v1/models/" + m.id;
  if (product == "ilp") {
    return "/api/v1/ilp/models/" + m.kind.substr(m.kind.find('.') + 1) + "/" +
           m.name + "/";
  }
  return "";
}

json ModelJson(const store::ModelRecord& m) {
  const std::string path = ProductPath(m);
  return {{"id", m.id},
          {"product", store::ProductOfKind(m.kind)},
          {"kind", m.kind},
          {"name", m.display_name.empty() ? m.name : m.display_name},
          {"handle", m.name},
          {"owner_id", m.owner_id},
          {"status", m.status},
          {"metadata", ParseStoredJson(m.metadata)},
          {"url", path.empty() ? json(nullptr) : json(path)},
          {"created_at", FormatIso8601Millis(m.created_at)},
          {"updated_at", FormatIso8601Millis(m.updated_at)}};
}

json VersionJson(const store::ModelVersion& v) {
  auto or_null = [](const std::string& s) {
    return s.empty() ? json(nullptr) : json(s);
  };
  return {{"version", v.version},
          {"artifact_path", or_null(v.artifact_path)},
          {"logs_path", or_null(v.logs_path)},
          {"job_id", or_null(v.job_id)},
          {"metrics", ParseStoredJson(v.metrics)},
          {"created_at", FormatIso8601Millis(v.created_at)}};
}

Result<Response> ListModels(const RegistryRoutesDeps& d, Request& req) {
  QueryValidator q(req);
  PageRequest page = ParsePage(q, "page_size", 20, 100);
  std::optional<std::string> product =
      q.Enum("product", {"ilp", "studio", "gym"});
  std::optional<std::string> kind = q.String("kind");
  std::optional<std::string> status = q.String("status");
  TY_RETURN_IF_ERROR(q.Finish());
  store::ModelFilter filter;
  if (!req.caller().is_admin()) filter.owner_id = req.caller().user_id;
  filter.product = product;
  filter.kind = kind;
  filter.status = status;
  filter.limit = page.page_size;
  filter.offset = page.offset();
  TY_ASSIGN_OR_RETURN(int64_t count, d.models->Count(filter));
  TY_ASSIGN_OR_RETURN(std::vector<store::ModelRecord> rows,
                      d.models->List(filter));
  json results = json::array();
  for (const auto& row : rows) results.push_back(ModelJson(row));
  return JsonResponse(
      200, CountNextPreviousPage(req, page, count, std::move(results)).dump());
}

Result<Response> GetModel(const RegistryRoutesDeps& d, Request& req) {
  const std::string id = req.PathParam("model_id");
  Result<store::ModelRecord> model = d.models->Get(id);
  // Another user's model is reported as missing, so ids cannot be probed.
  if (model.ok() && !req.caller().is_admin() &&
      model->owner_id != req.caller().user_id) {
    model = NotFoundError("model '" + id + "' not found");
  }
  if (!model.ok()) return model.status();
  TY_ASSIGN_OR_RETURN(std::vector<store::ModelVersion> versions,
                      d.models->ListVersions(id));
  json body = ModelJson(*model);
  body["versions"] = json::array();
  for (const auto& v : versions) body["versions"].push_back(VersionJson(v));
  body["latest_version"] =
      versions.empty() ? json(nullptr) : json(versions.back().version);
  return JsonResponse(200, body.dump());
}

// What the routes above answer on success (api/response_schema.h): the
// OpenAPI document shows it, and the API tests check every real answer
// against it. `metadata` and a version's `metrics` are each product's own
// (store/model_store.h); null when none was stored.
const std::vector<RouteResponses>& RegistryResponses() {
  static constexpr char kModelMembers[] = R"("id": "string",
    "product": "string", "kind": "string", "name": "string",
    "handle": "string", "owner_id": "string", "status": "string",
    "metadata": "object|null", "url": "string|null", "created_at": "string",
    "updated_at": "string")";
  static const auto* responses = new std::vector<RouteResponses>{
      {"GET",
       "/api/models",
       {{200, KeepShape(PageShape(std::string("{") + kModelMembers + "}"))}}},
      {"GET",
       "/api/models/{model_id}",
       {{200, KeepShape(std::string("{") + kModelMembers + R"(,
         "versions": [{"version": "integer", "artifact_path": "string|null",
           "logs_path": "string|null", "job_id": "string|null",
           "metrics": "object|null", "created_at": "string"}],
         "latest_version": "integer|null"})")}}},
  };
  return *responses;
}

}  // namespace

Status AddRegistryRoutes(Router* router, RegistryRoutesDeps deps) {
  auto d = std::make_shared<RegistryRoutesDeps>(deps);
  auto bind = [d](Result<Response> (*fn)(const RegistryRoutesDeps&, Request&)) {
    return [d, fn](Request& req) { return fn(*d, req); };
  };
  TY_RETURN_IF_ERROR(
      router->Add({"GET", "/api/models", Access::kUser, bind(ListModels)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/models/{model_id}", Access::kUser, bind(GetModel)}));
  TY_RETURN_IF_ERROR(router->DeclareSurface(
      {"models", "the model registry across products", {"/api/models"}}));
  return router->DeclareResponses(RegistryResponses());
}

}  // namespace trainyard::api
