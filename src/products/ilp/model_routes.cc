// GET ilp/models/ and ilp/models/{algo}/{name}/: the caller's models with
// their versions, training results and last evaluations.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/error_response.h"
#include "api/job_json.h"
#include "api/pagination.h"
#include "products/ilp/route_support.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

json VersionJson(IlpContext& s, const IlpVersion& v) {
  json out = {{"version", v.version},
              {"job_id", v.job_id.empty() ? json(nullptr) : json(v.job_id)},
              {"created_at", FormatIso8601Millis(v.created_at)},
              {"model_path", v.paths.rel_model_dir},
              {"logs_path", v.paths.rel_csv_dir},
              {"status", "ready"},
              {"training", nullptr}};
  if (!v.job_id.empty()) {
    Result<store::JobRecord> job = s.jobs->Get(v.job_id);
    if (job.ok()) {
      out["status"] = ResultStatus(job->status);
      if (job->status == store::JobStatus::kCompleted)
        out["training"] = api::ParseStoredJson(job->result);
    } else {
      out["status"] = "unknown";
    }
  }
  const json eval = api::ParseStoredJson(v.evaluation);
  out["evaluation"] = eval.is_object() && !eval.empty() ? eval : json(nullptr);
  return out;
}

Result<json> ModelJson(IlpContext& s, const store::ModelRecord& m, bool owner) {
  TY_ASSIGN_OR_RETURN(std::vector<IlpVersion> versions,
                      s.registry.VersionsOf(m));
  json list = json::array();
  for (const IlpVersion& v : versions) list.push_back(VersionJson(s, v));
  const std::string algo = m.kind.substr(4);
  json out = {
      {"model_name", "model_storage/" + algo + "/" + m.name},
      {"algo", algo},
      {"name", m.name},
      {"created_at", FormatIso8601Millis(m.created_at)},
      {"latest_version",
       versions.empty() ? json(nullptr) : json(versions.back().version)},
      {"versions", list}};
  if (owner) out["owner_id"] = m.owner_id;
  return out;
}

// GET /api/v1/ilp/models/: the caller's ILP models with their versions and
// last evaluations, newest first, paginated as AI Studio lists are; admins
// may ask for everyone's with scope=all.
Result<Response> ListModels(IlpContext& s, Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  const std::string scope = q.Enum("scope", {"mine", "all"}).value_or("mine");
  TY_RETURN_IF_ERROR(q.Finish());
  const api::Principal& caller = req.caller();
  if (scope == "all" && !caller.is_admin())
    return Status(ErrorCode::kPermissionDenied, "scope=all is for admins");
  std::optional<std::string> owner;
  if (scope == "mine") owner = caller.user_id;
  TY_ASSIGN_OR_RETURN(int64_t count, s.registry.CountModels(owner));
  TY_ASSIGN_OR_RETURN(std::vector<store::ModelRecord> rows,
                      s.registry.Models(owner, page));
  json results = json::array();
  for (const store::ModelRecord& m : rows) {
    TY_ASSIGN_OR_RETURN(json one, ModelJson(s, m, scope == "all"));
    results.push_back(std::move(one));
  }
  return JsonResponse(
      200, api::CountNextPreviousPage(req, page, count, results).dump());
}

// GET /api/v1/ilp/models/{algo}/{name}/: one of the caller's models.
Result<Response> GetModel(IlpContext& s, Request& req) {
  const std::string& algo = req.PathParam("algo");
  if (algo != "ppo" && algo != "ddpg")
    return NotFoundError("no ILP algorithm '" + algo + "' (ppo or ddpg)");
  TY_ASSIGN_OR_RETURN(
      std::string name,
      ModelNameFromReference(req.PathParam("name"), algo, "name"));
  Result<store::ModelRecord> m = s.deps.store->models()->FindByName(
      req.caller().user_id, IlpModelKind(algo), name);
  if (!m.ok() && m.status().code() == ErrorCode::kNotFound)
    return NotFoundError("model 'model_storage/" + algo + "/" + name +
                         "' not found");
  TY_RETURN_IF_ERROR(m.status());
  TY_ASSIGN_OR_RETURN(json out, ModelJson(s, *m, false));
  return JsonResponse(200, out.dump());
}

}  // namespace

Status AddModelRoutes(const std::shared_ptr<IlpContext>& ctx,
                      api::Router* router) {
  using api::Access;
  return AddRouteTable(
      router, ctx,
      {
          {"GET", "/api/v1/ilp/models/", Access::kUser, ListModels},
          {"GET", "/api/v1/ilp/models/{algo}/{name}/", Access::kUser, GetModel},
      });
}

}  // namespace trainyard::ilp
