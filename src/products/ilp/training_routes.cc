// POST {algo}/train/ and GET {algo}/train-result/: training a new version
// of one of the caller's models, and what became of it.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/error_response.h"
#include "api/job_json.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/model_info.h"
#include "products/ilp/route_support.h"
#include "products/ilp/train_job.h"
#include "products/ilp/train_request.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::Request;
using api::Response;
using nlohmann::json;

// The queued or running job training the owner's model `name`, if any.
Result<std::optional<store::JobRecord>> ActiveJobFor(IlpContext& s,
                                                     const std::string& owner,
                                                     const std::string& algo,
                                                     const std::string& name) {
  Result<IlpVersion> newest = s.registry.Find(owner, algo, name, std::nullopt);
  if (newest.status().code() == ErrorCode::kNotFound)
    return std::optional<store::JobRecord>();
  TY_RETURN_IF_ERROR(newest.status());
  if (newest->job_id.empty()) return std::optional<store::JobRecord>();
  Result<store::JobRecord> job = s.jobs->Get(newest->job_id);
  if (job.ok() && (job->status == store::JobStatus::kQueued ||
                   job->status == store::JobStatus::kRunning))
    return std::optional(std::move(*job));
  return std::optional<store::JobRecord>();
}

Result<Response> Train(IlpContext& s, const std::string& algo, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  TY_ASSIGN_OR_RETURN(TrainJobSpec spec, ParseTrainRequest(algo, body));
  const std::string& owner = req.caller().user_id;
  const std::string& name = spec.model.model_name;
  if (!spec.model.market_data.empty()) {
    // The caller's own, completely imported data set (checked here, read
    // by the job).
    TY_RETURN_IF_ERROR(
        LoadMarketPrices(s.deps.artifacts, owner, spec.model.market_data)
            .status());
    spec.market_prices_path = MarketPricesPath(owner, spec.model.market_data);
  }
  TY_ASSIGN_OR_RETURN(std::optional<store::JobRecord> active,
                      ActiveJobFor(s, owner, algo, name));
  if (active) {
    return ConflictError("model 'model_storage/" + algo + "/" + name +
                         "' is already being trained by job " + active->id);
  }
  // Retraining never replaces a model: it trains a new version beside it.
  TY_ASSIGN_OR_RETURN(IlpVersion version,
                      s.registry.AddVersion(owner, algo, name));
  spec.version = version.version;
  spec.model_dir = s.deps.data_dir->Relative(version.paths.model_dir);
  spec.csv_dir = s.deps.data_dir->Relative(version.paths.csv_dir);
  spec.rel_model_dir = version.paths.rel_model_dir;
  spec.rel_csv_dir = version.paths.rel_csv_dir;
  jobs::SubmitRequest submit;
  submit.type = TrainJobType(algo);
  submit.owner_id = owner;
  submit.params_json = TrainJobSpecToJson(spec);
  submit.total_units = spec.model.max_steps * spec.model.n_episodes;
  TY_ASSIGN_OR_RETURN(store::JobRecord job, s.jobs->Submit(submit));
  TY_RETURN_IF_ERROR(s.registry.AttachJob(version, job.id));
  json out = {
      {"status", "running"},
      {"job_id", job.id},
      {"model_name", "model_storage/" + algo + "/" + name},
      {"model_version", version.version},
      {"model_path", spec.rel_model_dir},
      {algo + "_actor_model_path", spec.rel_model_dir + "/" + kActorFile},
      {algo + "_critic_model_path", spec.rel_model_dir + "/" + kCriticFile},
      {"train_logs_path", spec.rel_csv_dir + "/" + kTrainLogFile},
      {"max_steps", spec.model.max_steps},
      {"n_episodes", spec.model.n_episodes},
      {"total_steps", spec.model.max_steps * spec.model.n_episodes},
      {"action_transform", spec.model.action_transform},
      {"warnings", TrainingWarnings(spec.model)},
      {"market_data", spec.model.market_data.empty()
                          ? json(nullptr)
                          : json(spec.model.market_data)},
      {"time_consumed", 0}};
  return JsonResponse(200, out.dump());
}

Result<Response> TrainResult(IlpContext& s, const std::string& algo,
                             Request& req) {
  api::QueryValidator q(req);
  std::optional<std::string> model = q.String("model_name");
  std::optional<std::string> job_id = q.String("job_id");
  const int64_t wanted_version =
      q.Int("model_version", 0, 1, int64_t{1} << 40);  // 0: not given
  TY_RETURN_IF_ERROR(q.Finish());
  const api::Principal& caller = req.caller();
  std::optional<store::JobRecord> found;
  if (model) {
    TY_ASSIGN_OR_RETURN(ModelReference ref,
                        ParseModelReference(*model, algo, "model_name"));
    if (wanted_version != 0) ref.version = wanted_version;
    TY_ASSIGN_OR_RETURN(IlpVersion v, s.registry.Find(caller.user_id, algo,
                                                      ref.name, ref.version));
    Result<store::JobRecord> job =
        v.job_id.empty() ? Result<store::JobRecord>(NotFoundError(""))
                         : s.jobs->Get(v.job_id);
    if (job.ok()) found = std::move(*job);
  } else if (job_id) {
    Result<store::JobRecord> job = s.jobs->Get(*job_id);
    if (job.ok() && job->type == TrainJobType(algo) &&
        (caller.is_admin() || job->owner_id == caller.user_id))
      found = std::move(*job);
  } else {
    store::JobFilter f;
    f.type = TrainJobType(algo);
    if (!caller.is_admin()) f.owner_id = caller.user_id;
    f.limit = 1000;
    TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> rows, s.jobs->List(f));
    for (store::JobRecord& r : rows) {  // newest first
      if (TrainJobSpecFromJson(r.params).ok()) {
        found = std::move(r);
        break;
      }
    }
  }
  if (!found) {
    return NotFoundError("no " + algo + " training job found" +
                         (model ? " for model '" + *model + "'" : "") +
                         (job_id ? " with id '" + *job_id + "'" : ""));
  }
  TY_ASSIGN_OR_RETURN(TrainJobSpec spec, TrainJobSpecFromJson(found->params));
  const int64_t end = found->finished_at.value_or(s.deps.clock->NowMillis());
  const int64_t seconds =
      found->started_at
          ? std::max<int64_t>(0, (end - *found->started_at) / 1000)
          : 0;
  json out = {
      {"status", ResultStatus(found->status)},
      {"job_id", found->id},
      {"job_status", store::JobStatusName(found->status)},
      {"model_name", "model_storage/" + algo + "/" + spec.model.model_name},
      {"model_version", spec.version == 0 ? json(nullptr) : json(spec.version)},
      {"model_path", spec.rel_model_dir},
      {"progress", found->progress},
      {algo + "_actor_model_path", spec.rel_model_dir + "/" + kActorFile},
      {algo + "_critic_model_path", spec.rel_model_dir + "/" + kCriticFile},
      {"train_logs_path", spec.rel_csv_dir + "/" + kTrainLogFile},
      {"max_steps", spec.model.max_steps},
      {"n_episodes", spec.model.n_episodes},
      {"time_consumed", seconds},
      {"metrics", api::ParseStoredJson(found->metrics)}};
  if (found->status == store::JobStatus::kCompleted)
    out["result"] = api::ParseStoredJson(found->result);
  if (found->status == store::JobStatus::kFailed) out["error"] = found->error;
  // Episodes, and how many ended early and why, beside each other: the
  // finished result, else the latest progress.
  const json& counts = out.contains("result") && out["result"].is_object()
                           ? out["result"]
                           : out["metrics"];
  out["episodes"] = counts.is_object() ? counts.value("episodes", json(nullptr))
                                       : json(nullptr);
  out["episodes_ended_early"] =
      counts.is_object() ? counts.value("episodes_ended_early", json(nullptr))
                         : json(nullptr);
  Result<env::UniswapV3LpConfig> config = EnvConfigFor(spec.model);
  out["early_end_reason"] =
      config.ok() ? json(EarlyEndReason(*config)) : json(nullptr);
  std::vector<std::string> warnings = TrainingWarnings(spec.model);
  if (out["episodes_ended_early"].is_number_integer() &&
      out["episodes_ended_early"].get<int64_t>() > 0) {
    warnings.push_back(
        std::to_string(out["episodes_ended_early"].get<int64_t>()) + " of " +
        out["episodes"].dump() +
        " episodes ended early: the agent's value fell below the floor in "
        "them (early_end_reason)");
  }
  out["action_transform"] = spec.model.action_transform;
  out["warnings"] = warnings;
  return JsonResponse(200, out.dump());
}

}  // namespace

Status AddTrainingRoutes(const std::shared_ptr<IlpContext>& ctx,
                         api::Router* router) {
  using api::Access;
  for (const char* algo : {"ddpg", "ppo"}) {
    const std::string base = std::string("/api/v1/") + algo;
    TY_RETURN_IF_ERROR(AddIlpAlgoRoute(router, "POST", base + "/train/",
                                       Access::kUser, ctx, Train, algo,
                                       TrainRequestBody(algo)));
    TY_RETURN_IF_ERROR(AddIlpAlgoRoute(router, "GET", base + "/train-result/",
                                       Access::kUser, ctx, TrainResult, algo));
  }
  return Status::Ok();
}

}  // namespace trainyard::ilp
