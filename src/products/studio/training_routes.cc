// models/{id}/train/ and training-jobs/: start, list, status, cancel.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/job_json.h"
#include "api/json_validator.h"
#include "api/pagination.h"
#include "products/studio/credit_ledger.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_errors.h"
#include "products/studio/studio_json.h"
#include "products/studio/training_service.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

json OptionalTime(const std::optional<int64_t>& ms) {
  return ms ? json(IsoTime(*ms)) : json(nullptr);
}

// A run's row joined with its job (reconciled if the job ended unsettled).
struct Run {
  TrainingJobRow row;
  store::JobRecord job;
};

Result<Run> LoadRun(StudioContext& ctx, const TrainingJobRow& row) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job, ctx.jobs->Get(row.id));
  TY_ASSIGN_OR_RETURN(TrainingJobRow current, ReconcileTraining(ctx, row, job));
  return Run{current, job};
}

Result<Run> OwnedRun(StudioContext& ctx, const api::Request& req) {
  const std::string& id = req.PathParam("job_id");
  Result<TrainingJobRow> row = ctx.training_jobs->Get(id);
  if (!row.ok() || row->owner_id != req.caller().user_id) {
    return NotFoundError("training job '" + id + "' not found");
  }
  return LoadRun(ctx, *row);
}

json RunJson(const Run& run) {
  const TrainingJobRow& r = run.row;
  const store::JobRecord& j = run.job;
  json result = api::ParseStoredJson(j.result);
  const double seconds =
      r.settled
          ? r.compute_seconds
          : (j.started_at
                 ? std::max<int64_t>(0, j.updated_at - *j.started_at) / 1000.0
                 : 0.0);
  json out = {
      {"id", r.id},
      {"model_id", r.model_id},
      {"job_name", r.job_name},
      {"priority", r.priority},
      {"status", StudioJobStatus(j.status)},
      {"progress", static_cast<int>(std::floor(j.progress * 100 + 1e-9))},
      {"created_at", IsoTime(j.created_at)},
      {"started_at", OptionalTime(j.started_at)},
      {"completed_at", OptionalTime(j.finished_at)},
      {"compute_hours", Round4(seconds / 3600.0)},
      {"compute_seconds", Round4(seconds)},
      {"estimated_cost", FormatCents(r.hold_cents)},
      {"cost", r.settled ? json(FormatCents(r.charged_cents)) : json(nullptr)},
      {"refund_amount",
       r.settled ? json(FormatCents(r.refund_cents)) : json(nullptr)},
      {"model_version", r.model_version},
      {"training_metrics", result.is_object()
                               ? result.value("training_metrics", json(nullptr))
                               : json(nullptr)},
      {"validation_metrics",
       result.is_object() ? result.value("validation_metrics", json(nullptr))
                          : json(nullptr)},
      {"data_source", result.is_object()
                          ? result.value("data_source", json(nullptr))
                          : json(nullptr)},
      // The naive baselines on the same test rows and the verdict.
      {"baselines", result.is_object()
                        ? result.value("baselines", json(nullptr))
                        : json(nullptr)},
      {"comparison", result.is_object()
                         ? result.value("comparison", json(nullptr))
                         : json(nullptr)},
      {"error", j.error.empty() ? json(nullptr) : json(j.error)},
      // The document's error code for a failed fit (the handler fails jobs
      // with MODEL_TRAINING_ERROR); null otherwise.
      {"error_code", j.status == store::JobStatus::kFailed
                         ? json(kModelTrainingErrorCode)
                         : json(nullptr)}};
  return out;
}

json LogJson(const store::JobLogLine& line) {
  std::string level = "INFO", message = line.line;
  const size_t colon = message.find(": ");
  if (colon != std::string::npos && colon <= 7) {
    const std::string prefix = message.substr(0, colon);
    if (prefix == "INFO" || prefix == "WARNING" || prefix == "ERROR" ||
        prefix == "DEBUG") {
      level = prefix;
      message = message.substr(colon + 2);
    }
  }
  return {{"timestamp", IsoTime(line.created_at)},
          {"level", level},
          {"message", message}};
}

const std::shared_ptr<const api::BodySchema>& StartTrainingBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          StringField("job_name", 200, "default: '<model> training v<n>'"),
          EnumField("priority", {"LOW", "NORMAL", "HIGH"},
                    "queue priority (default NORMAL)")}));
  return *schema;
}

Result<api::Response> StartTrainingRoute(StudioContext& ctx,
                                         api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel model, OwnedModel(ctx, req));
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  api::SchemaReader v(*StartTrainingBody(), body);
  auto name = v.String("job_name");
  auto priority = v.Enum("priority");
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(store::User user, CallerUser(ctx, req));
  const std::string job_name = name.value_or(model.name + " training v" +
                                             std::to_string(model.version + 1));
  TY_ASSIGN_OR_RETURN(
      StartedTraining started,
      StartTraining(ctx, user, model, job_name, priority.value_or("NORMAL")));
  return Json(
      202, {{"job_id", started.row.id},
            {"message", "Training job queued successfully"},
            {"estimated_completion", IsoTime(started.estimated_completion_ms)},
            {"estimated_cost", FormatCents(started.row.hold_cents)},
            {"status", "PENDING"}});
}

Result<api::Response> ListTrainingJobs(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  auto status = q.Enum(
      "status", {"PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"});
  auto model_id = q.String("model_id");
  TY_RETURN_IF_ERROR(q.Finish());
  TrainingJobQuery query;
  query.owner_id = req.caller().user_id;
  query.model_id = model_id;
  TY_ASSIGN_OR_RETURN(std::vector<TrainingJobRow> rows,
                      ctx.training_jobs->List(query));
  // The status lives in the job system; filter after joining (a user's
  // training runs are few).
  std::vector<json> matching;
  for (const auto& row : rows) {
    TY_ASSIGN_OR_RETURN(Run run, LoadRun(ctx, row));
    if (status && *status != StudioJobStatus(run.job.status)) continue;
    matching.push_back(RunJson(run));
  }
  return Json(200, PageOf(req, page, matching));
}

Result<api::Response> GetTrainingJob(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(Run run, OwnedRun(ctx, req));
  json out = RunJson(run);
  json metrics = api::ParseStoredJson(run.job.metrics);
  if (!metrics.is_object()) metrics = json::object();
  out["current_epoch"] = metrics.value("current_epoch", 0);
  if (metrics.contains("total_epochs")) {
    out["total_epochs"] = metrics["total_epochs"];
  } else {
    // Not started yet: the folds of the model's configuration + final fit.
    int64_t folds = 0;
    if (Result<StudioModel> m = ctx.models->Get(run.row.model_id); m.ok()) {
      folds = m->config["training_config"].value("cross_validation_folds", 0);
    }
    out["total_epochs"] = (folds >= 2 ? folds : 0) + 1;
  }
  out["current_metrics"] = metrics.value("current_metrics", json::object());
  int64_t eta = run.row.created_at +
                static_cast<int64_t>(run.row.estimated_seconds * 1000);
  if (run.job.finished_at) eta = *run.job.finished_at;
  out["estimated_completion"] = IsoTime(eta);
  TY_ASSIGN_OR_RETURN(std::vector<store::JobLogLine> lines,
                      ctx.jobs->Logs(run.row.id, 0, 200));
  json logs = json::array();
  for (const auto& l : lines) logs.push_back(LogJson(l));
  out["logs"] = logs;
  return Json(200, out);
}

Result<api::Response> CancelTrainingJob(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(Run run, OwnedRun(ctx, req));
  if (store::IsTerminal(run.job.status)) {
    return ConflictError("training job '" + run.row.id + "' is already " +
                         StudioJobStatus(run.job.status));
  }
  TY_ASSIGN_OR_RETURN(store::JobRecord job, ctx.jobs->Cancel(run.row.id));
  TrainingJobRow settled;
  if (store::IsTerminal(job.status)) {
    // Cancelled while queued: nothing ran, the whole hold comes back.
    TY_ASSIGN_OR_RETURN(settled, ReconcileTraining(ctx, run.row, job));
  } else {
    // Running: charge the compute used until now; the worker stops at its
    // next progress report (within one boosting round) and finds the run
    // settled.
    const double seconds =
        job.started_at
            ? std::max<int64_t>(0, ctx.NowMillis() - *job.started_at) / 1000.0
            : 0.0;
    TY_ASSIGN_OR_RETURN(settled,
                        SettleTraining(ctx, run.row.id, "CANCELLED", seconds));
  }
  return Json(200, {{"message", "Training job cancelled successfully"},
                    {"refund_amount", FormatCents(settled.refund_cents)},
                    {"charged_amount", FormatCents(settled.charged_cents)},
                    {"compute_seconds", Round4(settled.compute_seconds)}});
}

}  // namespace

Status AddTrainingRoutes(const std::shared_ptr<StudioContext>& ctx,
                         api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "POST", "/models/{model_id}/train",
                                    Access::kUser, ctx, StartTrainingRoute, 0,
                                    StartTrainingBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/training-jobs",
                                    Access::kUser, ctx, ListTrainingJobs));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/training-jobs/{job_id}",
                                    Access::kUser, ctx, GetTrainingJob));
  return AddStudioRoute(router, "POST", "/training-jobs/{job_id}/cancel",
                        Access::kUser, ctx, CancelTrainingJob);
}

}  // namespace trainyard::studio
