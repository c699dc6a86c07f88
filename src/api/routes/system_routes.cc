#include "api/routes/system_routes.h"

#include <nlohmann/json.hpp>

#include "api/error_response.h"
#include "api/job_json.h"
#include "api/json_validator.h"
#include "api/pagination.h"

namespace trainyard::api {

using nlohmann::json;

std::string OverallHealth(const std::string& database,
                          const std::string& kubernetes,
                          const std::string& wandb) {
  if (database != "healthy") return "unhealthy";
  for (const std::string* s : {&kubernetes, &wandb}) {
    if (*s != "healthy" && *s != "not_configured" && *s != "configured")
      return "degraded";
  }
  return "healthy";
}

std::string FormatUptime(int64_t seconds) {
  const int64_t d = seconds / 86400, h = seconds % 86400 / 3600,
                m = seconds % 3600 / 60, s = seconds % 60;
  std::string out;
  if (d) out += std::to_string(d) + "d";
  if (h || (d && (m || s))) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s || out.empty()) out += std::to_string(s) + "s";
  if (d == 1 && h == 0 && m == 0 && s == 0) out = "24h";
  return out;
}

namespace {

Result<store::JobRecord> JobVisibleTo(jobs::JobService* jobs,
                                      const Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, jobs->Get(req.PathParam("job_id")));
  if (!req.caller().is_admin() && job.owner_id != req.caller().user_id) {
    // Someone else's job is reported as missing, not as forbidden, so ids
    // cannot be probed.
    return NotFoundError("job '" + job.id + "' not found");
  }
  return job;
}

Result<Response> Health(const SystemRoutesDeps& d, Request&) {
  const ComponentState db = d.database(), kube = d.kubernetes(), wb = d.wandb();
  const std::string &database = db.status, &kubernetes = kube.status,
                    &wandb = wb.status;
  const std::string status = OverallHealth(database, kubernetes, wandb);
  json details = json::object();
  for (const auto& [name, state] :
       {std::pair<const char*, const ComponentState*>{"database", &db},
        {"kubernetes", &kube},
        {"wandb", &wb}}) {
    if (!state->message.empty()) details[name] = state->message;
  }
  const int64_t uptime_s = (d.clock->NowMillis() - d.started_at_ms) / 1000;
  json body = {
      {"status", status},
      {"components",
       {{"api", "healthy"},
        {"database", database},
        {"kubernetes", kubernetes},
        {"wandb", wandb}}},
      {"details", details},
      {"version", d.version},
      {"uptime", FormatUptime(uptime_s)},
      {"uptime_seconds", uptime_s},
      {"jobs", {{"workers", d.job_workers()}, {"running", d.running_jobs()}}}};
  return JsonResponse(status == "unhealthy" ? 503 : 200, body.dump());
}

Result<Response> ListJobs(const SystemRoutesDeps& d, Request& req) {
  QueryValidator q(req);
  PageRequest page = ParsePage(q, "page_size", 20, 100);
  std::optional<std::string> status = q.Enum(
      "status", {"queued", "running", "completed", "failed", "cancelled"});
  std::optional<std::string> type = q.String("type");
  TY_RETURN_IF_ERROR(q.Finish());
  store::JobFilter filter;
  if (!req.caller().is_admin()) filter.owner_id = req.caller().user_id;
  if (status) filter.status = *store::ParseJobStatus(*status);
  filter.type = type;
  filter.limit = page.page_size;
  filter.offset = page.offset();
  TY_ASSIGN_OR_RETURN(int64_t count, d.jobs->Count(filter));
  TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> rows, d.jobs->List(filter));
  json results = json::array();
  for (const auto& row : rows) results.push_back(JobToJson(row));
  return JsonResponse(
      200, CountNextPreviousPage(req, page, count, std::move(results)).dump());
}

Result<Response> SubmitJob(const SystemRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"type", "params", "total_units", "max_attempts"});
  std::optional<std::string> type = v.RequiredString("type", 128);
  std::optional<json> params = v.OptionalObject("params");
  std::optional<int64_t> total =
      v.OptionalInt("total_units", 0, int64_t{1} << 50);
  std::optional<int64_t> attempts = v.OptionalInt("max_attempts", 1, 100);
  TY_RETURN_IF_ERROR(v.Finish());
  jobs::SubmitRequest submit;
  submit.type = *type;
  submit.owner_id = req.caller().user_id;
  submit.params_json = params.value_or(json::object()).dump();
  submit.total_units = total.value_or(0);
  submit.max_attempts = static_cast<int>(attempts.value_or(3));
  TY_ASSIGN_OR_RETURN(store::JobRecord job, d.jobs->Submit(submit));
  return JsonResponse(201, JobToJson(job).dump());
}

Result<Response> GetJob(const SystemRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, JobVisibleTo(d.jobs, req));
  return JsonResponse(200, JobToJson(job).dump());
}

Result<Response> CancelJob(const SystemRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, JobVisibleTo(d.jobs, req));
  TY_ASSIGN_OR_RETURN(store::JobRecord cancelled, d.jobs->Cancel(job.id));
  return JsonResponse(200, JobToJson(cancelled).dump());
}

Result<Response> JobLogs(const SystemRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, JobVisibleTo(d.jobs, req));
  QueryValidator q(req);
  int64_t after = q.Int("after", 0, 0, INT64_MAX);
  int64_t limit = q.Int("limit", 200, 1, 1000);
  TY_RETURN_IF_ERROR(q.Finish());
  TY_ASSIGN_OR_RETURN(auto lines, d.jobs->Logs(job.id, after, limit));
  json out = json::array();
  for (const auto& l : lines) {
    out.push_back({{"id", l.id},
                   {"line", l.line},
                   {"created_at", FormatIso8601Millis(l.created_at)}});
  }
  return JsonResponse(200, json{{"job_id", job.id}, {"lines", out}}.dump());
}

}  // namespace

Status AddSystemRoutes(Router* router, SystemRoutesDeps deps) {
  auto d = std::make_shared<SystemRoutesDeps>(std::move(deps));
  auto bind = [d](Result<Response> (*fn)(const SystemRoutesDeps&, Request&)) {
    return [d, fn](Request& req) { return fn(*d, req); };
  };
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/v1/", Access::kPublic, [](Request&) {
         return Result<Response>(JsonResponse(
             200, "\"Intelligent Liquidity Provisioning Framework\""));
       }}));
  TY_RETURN_IF_ERROR(
      router->Add({"GET", "/api/v1/health", Access::kPublic, bind(Health)}));
  TY_RETURN_IF_ERROR(
      router->Add({"GET", "/api/jobs", Access::kUser, bind(ListJobs)}));
  TY_RETURN_IF_ERROR(
      router->Add({"POST", "/api/jobs", Access::kAdmin, bind(SubmitJob)}));
  TY_RETURN_IF_ERROR(
      router->Add({"GET", "/api/jobs/{job_id}", Access::kUser, bind(GetJob)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"POST", "/api/jobs/{job_id}/cancel", Access::kUser, bind(CancelJob)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/jobs/{job_id}/logs", Access::kUser, bind(JobLogs)}));
  return Status::Ok();
}

}  // namespace trainyard::api
