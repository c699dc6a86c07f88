#include "api/routes/system_routes.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "api/body_schema.h"
#include "api/error_response.h"
#include "api/job_json.h"
#include "api/json_validator.h"
#include "api/openapi.h"
#include "api/pagination.h"

namespace trainyard::api {

using nlohmann::json;

std::string OverallHealth(const std::string& database,
                          const std::vector<std::string>& others) {
  if (database != "healthy") return "unhealthy";
  for (const std::string& s : others) {
    if (s != "healthy" && s != "not_configured" && s != "configured")
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
  std::map<std::string, ComponentState> states;
  if (d.components) states = d.components();
  std::vector<std::string> others;
  for (const auto& [name, state] : states) others.push_back(state.status);
  states["database"] = d.database();
  const std::string& database = states["database"].status;
  const std::string status = OverallHealth(database, others);
  json components = {{"api", "healthy"}};
  json details = json::object();
  for (const auto& [name, state] : states) {
    components[name] = state.status;
    if (!state.message.empty()) details[name] = state.message;
  }
  const int64_t uptime_s = (d.clock->NowMillis() - d.started_at_ms) / 1000;
  json body = {
      {"status", status},
      {"components", components},
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

const std::shared_ptr<const BodySchema>& SubmitJobBody() {
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("type", 128,
                               "a registered job type, e.g. test.count")),
          ObjectField("params", "the job type's parameters"),
          IntField("total_units", 0, int64_t{1} << 50,
                   "units of work, for progress (0: unknown)"),
          IntField("max_attempts", 1, 100,
                   "runs before the job fails (default 3)")}));
  return *schema;
}

Result<Response> SubmitJob(const SystemRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
  SchemaReader v(*SubmitJobBody(), body);
  std::optional<std::string> type = v.String("type");
  std::optional<json> params = v.Object("params");
  std::optional<int64_t> total = v.Int("total_units");
  std::optional<int64_t> attempts = v.Int("max_attempts");
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

// The job's training curves, columnar (one array per metric, aligned with
// `steps`; null where a point lacks the metric) so a chart takes them as
// they are. Live views poll with since=<next_since of the last answer>.
Result<Response> JobMetrics(const SystemRoutesDeps& d, Request& req) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, JobVisibleTo(d.jobs, req));
  QueryValidator q(req);
  const int64_t since = q.Int("since", -1, -1, INT64_MAX);
  const int64_t limit = q.Int("limit", 1000, 1, 10000);
  TY_RETURN_IF_ERROR(q.Finish());
  // One more than asked tells whether another page follows.
  TY_ASSIGN_OR_RETURN(std::vector<store::MetricPoint> points,
                      d.jobs->Metrics(job.id, since, limit + 1));
  const bool more = static_cast<int64_t>(points.size()) > limit;
  if (more) points.pop_back();
  json steps = json::array(), times = json::array();
  json series = json::object();
  for (size_t i = 0; i < points.size(); ++i) {
    steps.push_back(points[i].step);
    times.push_back(FormatIso8601Millis(points[i].wall_time));
    json values = json::parse(points[i].metrics, nullptr, false);
    if (!values.is_object()) continue;
    for (auto& [name, value] : values.items()) {
      json& column = series[name];
      if (column.is_null()) column = json::array();
      while (column.size() < i) column.push_back(nullptr);
      column.push_back(value);
    }
  }
  for (auto& [name, column] : series.items()) {
    while (column.size() < points.size()) column.push_back(nullptr);
  }
  json next_since = points.empty() ? json(since) : json(points.back().step);
  return JsonResponse(200, json{{"job_id", job.id},
                                {"status", store::JobStatusName(job.status)},
                                {"steps", steps},
                                {"times", times},
                                {"series", series},
                                {"next_since", next_since},
                                {"has_more", more}}
                               .dump());
}

// Prometheus text exposition of the server: HTTP traffic, jobs by type and
// status, the queue, training speed of running jobs.
Result<Response> Metrics(const SystemRoutesDeps& d, Request&) {
  PrometheusWriter out;
  if (d.http_metrics) d.http_metrics->Render(&out);
  TY_ASSIGN_OR_RETURN(std::vector<store::JobCount> counts,
                      d.jobs->CountByTypeAndStatus());
  const int64_t now = d.clock->NowMillis();
  out.Family("trainyard_jobs", "gauge", "Jobs by type and status.");
  int64_t queued = 0, oldest_queued = now;
  for (const auto& c : counts) {
    out.Sample("trainyard_jobs",
               {{"type", c.type}, {"status", store::JobStatusName(c.status)}},
               static_cast<double>(c.count));
    if (c.status == store::JobStatus::kQueued) {
      queued += c.count;
      oldest_queued = std::min(oldest_queued, c.oldest_created_at);
    }
  }
  out.Family("trainyard_job_queue_depth", "gauge",
             "Jobs waiting for a worker.");
  out.Sample("trainyard_job_queue_depth", {}, static_cast<double>(queued));
  out.Family("trainyard_job_queue_oldest_age_seconds", "gauge",
             "Age of the oldest queued job (0 when none is queued).");
  out.Sample("trainyard_job_queue_oldest_age_seconds", {},
             std::max<int64_t>(0, now - oldest_queued) / 1000.0);
  out.Family("trainyard_job_workers", "gauge",
             "Job worker threads in this process.");
  out.Sample("trainyard_job_workers", {}, d.job_workers());
  // Training speed as the running jobs last reported it (steps_per_second
  // in their progress metrics; every worker process reports to the store).
  store::JobFilter running;
  running.status = store::JobStatus::kRunning;
  running.limit = 1000;
  TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> jobs,
                      d.jobs->List(running));
  out.Family("trainyard_training_env_steps_per_second", "gauge",
             "Environment steps per second of each running training job.");
  for (const auto& job : jobs) {
    json m = json::parse(job.metrics, nullptr, false);
    if (!m.is_object() || !m.contains("steps_per_second") ||
        !m["steps_per_second"].is_number())
      continue;
    out.Sample("trainyard_training_env_steps_per_second",
               {{"type", job.type}, {"job_id", job.id}},
               m["steps_per_second"].get<double>());
  }
  out.Family("trainyard_uptime_seconds", "gauge",
             "Seconds since this server started.");
  out.Sample("trainyard_uptime_seconds", {}, (now - d.started_at_ms) / 1000.0);
  out.Family("trainyard_build_info", "gauge", "Version of this server.");
  out.Sample("trainyard_build_info", {{"version", d.version}}, 1);
  if (d.extra_metrics) d.extra_metrics(&out);
  Response r;
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = out.text();
  return r;
}

}  // namespace

Status AddHealthRoute(Router* router, SystemRoutesDeps deps) {
  auto d = std::make_shared<SystemRoutesDeps>(std::move(deps));
  return router->Add({"GET", "/api/v1/health", Access::kPublic,
                      [d](Request& req) { return Health(*d, req); }});
}

// What the routes below answer on success (api/response_schema.h): the
// OpenAPI document shows it, and the API tests check every real answer
// against it.
const std::vector<RouteResponses>& SystemResponses() {
  static const auto* list_shape = new std::string(PageShape(JobJsonShape()));
  static const auto* responses = new std::vector<RouteResponses>{
      {"GET", "/api/v1/", {{200, R"("string")"}}},
      {"GET", "/api/v1/health", {{200, R"({
         "status": "string", "components": {"*": "string"},
         "details": {"*": "string"}, "version": "string",
         "uptime": "string", "uptime_seconds": "integer",
         "jobs": {"workers": "integer", "running": "integer"}})"}}},
      {"GET", "/api/jobs", {{200, *list_shape}}},
      {"POST", "/api/jobs", {{201, JobJsonShape()}}},
      {"GET", "/api/jobs/{job_id}", {{200, JobJsonShape()}}},
      {"POST", "/api/jobs/{job_id}/cancel", {{200, JobJsonShape()}}},
      {"GET",
       "/api/jobs/{job_id}/logs",
       {{200, R"({"job_id": "string", "lines": [
         {"id": "integer", "line": "string", "created_at": "string"}]})"}}},
      {"GET", "/api/jobs/{job_id}/metrics", {{200, R"({
         "job_id": "string", "status": "string", "steps": ["integer"],
         "times": ["string"], "series": {"*": "array"},
         "next_since": "integer", "has_more": "boolean"})"}}},
      {"GET", "/metrics", {{200, "", "text/plain"}}},
      {"GET", "/api/openapi.json", {{200, "object"}}},
  };
  return *responses;
}

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
  TY_RETURN_IF_ERROR(router->Add({"POST", "/api/jobs", Access::kAdmin,
                                  bind(SubmitJob), 0, SubmitJobBody()}));
  TY_RETURN_IF_ERROR(
      router->Add({"GET", "/api/jobs/{job_id}", Access::kUser, bind(GetJob)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"POST", "/api/jobs/{job_id}/cancel", Access::kUser, bind(CancelJob)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/jobs/{job_id}/logs", Access::kUser, bind(JobLogs)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/jobs/{job_id}/metrics", Access::kUser, bind(JobMetrics)}));
  // Operational data of every user's traffic and jobs: an admin's token
  // (Prometheus sends it with `authorization: credentials_file`).
  TY_RETURN_IF_ERROR(
      router->Add({"GET", "/metrics", Access::kAdmin, bind(Metrics)}));
  struct OpenApiCache {
    std::once_flag once;
    std::string text;
  };
  auto cache = std::make_shared<OpenApiCache>();
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/openapi.json", Access::kPublic,
       [cache, router, version = d->version](Request&) -> Result<Response> {
         // The table is complete once the server serves.
         std::call_once(cache->once, [&] {
           cache->text = OpenApiDocument(
               *router,
               {"Trainyard", version,
                "The three API surfaces of Trainyard (ILP, AI Studio, the "
                "edge-scaling gym), its jobs API and the server's own "
                "routes, generated from the router's route table."});
         });
         return JsonResponse(200, cache->text);
       }}));
  TY_RETURN_IF_ERROR(
      router->DeclareSurface({"jobs", "product-neutral jobs", {"/api/jobs"}}));
  // Whatever no other surface claims: the dashboard, /metrics, this
  // document, the admin routes.
  TY_RETURN_IF_ERROR(router->DeclareSurface(
      {kDefaultSurfaceTag, "dashboard, metrics, reference", {"/"}}));
  return router->DeclareResponses(SystemResponses());
}

}  // namespace trainyard::api
