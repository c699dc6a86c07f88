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
#include "rl/config.h"

namespace trainyard::ilp {
namespace {

using api::JsonResponse;
using api::JsonValidator;
using api::Request;
using api::Response;
using nlohmann::json;

constexpr int64_t kMaxTotalSteps = 100'000'000;
constexpr int64_t kMaxBlocksPerStep = 10000;

std::string Text(double v) { return ParamValueText(v); }

// Reads "pools" (an optional array of preset names or addresses).
std::vector<std::string> ReadPools(JsonValidator* v) {
  std::optional<json> pools = v->OptionalArray("pools");
  if (!pools) return {env::kDefaultLpPool};
  std::vector<std::string> out;
  for (const json& p : *pools) {
    if (!p.is_string()) {
      v->AddError("pools", "each entry must be a known pool name or address");
      return {env::kDefaultLpPool};
    }
    // The preset's own message names the nearest pool and every known one.
    if (Result<market::PoolPreset> preset =
            market::FindPreset(p.get<std::string>());
        !preset.ok()) {
      v->AddError("pools", preset.status().message());
      return {env::kDefaultLpPool};
    }
    out.push_back(p.get<std::string>());
  }
  if (out.empty()) v->AddError("pools", "must not be empty");
  return out.empty() ? std::vector<std::string>{env::kDefaultLpPool} : out;
}

// Reads "hidden" (an optional array of 1 to 4 hidden-layer sizes in
// [1, 1024]) into the rl parameter "hidden" ("64,64"); without it the rl
// layer's default network is used (PPO 64x64, DDPG 256x256).
void ReadHidden(JsonValidator* v, rl::ParamMap* p) {
  std::optional<json> hidden = v->OptionalArray("hidden");
  if (!hidden) return;
  if (hidden->empty() || hidden->size() > 4) {
    v->AddError("hidden", "must list 1 to 4 layer sizes");
    return;
  }
  std::string text;
  for (const json& h : *hidden) {
    if (!h.is_number_integer() || h.get<int64_t>() < 1 ||
        h.get<int64_t>() > 1024) {
      v->AddError("hidden", "each layer size must be an integer in [1, 1024]");
      return;
    }
    text += (text.empty() ? "" : ",") + std::to_string(h.get<int64_t>());
  }
  (*p)["hidden"] = text;
}

// ---------------------------------------------------------------- train

Result<TrainJobSpec> ParseTrainRequest(const std::string& algo,
                                       const json& body) {
  const bool ppo = algo == "ppo";
  JsonValidator v(body);
  std::vector<std::string> allowed = {"max_steps",
                                      "n_episodes",
                                      "model_name",
                                      "alpha",
                                      "gamma",
                                      "agent_budget_usd",
                                      "use_running_statistics",
                                      "action_transform",
                                      "pools",
                                      "seed",
                                      "batch_size",
                                      "blocks_per_step",
                                      "hidden",
                                      "market_data"};
  const std::vector<std::string> algo_keys =
      ppo ? std::vector<std::string>{"buffer_size",   "n_epochs",
                                     "gae_lambda",    "policy_clip",
                                     "max_grad_norm", "policy",
                                     "log_std_init"}
          : std::vector<std::string>{"beta", "tau", "training", "buffer_size"};
  allowed.insert(allowed.end(), algo_keys.begin(), algo_keys.end());
  v.RejectUnknownKeys(allowed);

  TrainJobSpec spec;
  ModelInfo& m = spec.model;
  m.algo = algo;
  m.max_steps = v.OptionalInt("max_steps", 1, 1'000'000).value_or(10000);
  m.n_episodes = v.OptionalInt("n_episodes", 1, 1'000'000).value_or(100);
  std::optional<std::string> name = v.RequiredString("model_name", 300);
  m.agent_budget_usd =
      v.OptionalNumber("agent_budget_usd", kTiny, kMaxBudget).value_or(10000.0);
  m.use_running_statistics =
      v.OptionalBool("use_running_statistics").value_or(false);
  // recentre by default: it can keep a range at no gas, where the bound
  // maps re-place it (paying gas) whenever the asked-for bounds move.
  m.action_transform =
      v.OptionalEnum("action_transform", ActionTransformNames())
          .value_or(kRecentreTransform);
  m.blocks_per_step = static_cast<int>(
      v.OptionalInt("blocks_per_step", 1, kMaxBlocksPerStep).value_or(1));
  m.pools = ReadPools(&v);
  m.market_data = v.OptionalString("market_data", 64).value_or("");
  m.seed = static_cast<uint64_t>(
      v.OptionalInt("seed", 0, int64_t{1} << 53).value_or(0));
  rl::ParamMap& p = m.params;
  p["use_running_statistics"] = m.use_running_statistics ? "true" : "false";
  ReadHidden(&v, &p);
  const int64_t total = m.max_steps * m.n_episodes;
  if (ppo) {
    // PPO trains whole rollouts: a default rollout longer than the run would
    // train past the requested steps.
    const int64_t buffer = v.OptionalInt("buffer_size", 1, 1 << 20)
                               .value_or(std::min<int64_t>(2048, total));
    p["buffer_size"] = std::to_string(buffer);
    p["n_epochs"] =
        std::to_string(v.OptionalInt("n_epochs", 1, 1000).value_or(10));
    p["gamma"] = Text(v.OptionalNumber("gamma", 0.0, 1.0).value_or(0.99));
    p["alpha"] = Text(v.OptionalNumber("alpha", kTiny, 1.0).value_or(3e-4));
    p["gae_lambda"] =
        Text(v.OptionalNumber("gae_lambda", 0.0, 1.0).value_or(0.95));
    p["policy_clip"] =
        Text(v.OptionalNumber("policy_clip", kTiny, 10.0).value_or(0.2));
    p["max_grad_norm"] =
        Text(v.OptionalNumber("max_grad_norm", kTiny, 1e6).value_or(0.5));
    // The minibatch cannot exceed one rollout.
    p["batch_size"] =
        std::to_string(v.OptionalInt("batch_size", 1, 1 << 20)
                           .value_or(std::min<int64_t>(64, buffer)));
    p["policy"] =
        v.OptionalEnum("policy", {"mlp", "lstm_actor_critic_batch_norm"})
            .value_or("mlp");
    p["log_std_init"] =
        Text(v.OptionalNumber("log_std_init", -5.0, 2.0).value_or(0.0));
  } else {
    p["alpha"] = Text(v.OptionalNumber("alpha", kTiny, 1.0).value_or(1e-3));
    p["beta"] = Text(v.OptionalNumber("beta", kTiny, 1.0).value_or(1e-3));
    p["tau"] = Text(v.OptionalNumber("tau", kTiny, 1.0).value_or(0.005));
    p["batch_size"] =
        std::to_string(v.OptionalInt("batch_size", 1, 1 << 20).value_or(64));
    if (std::optional<double> g = v.OptionalNumber("gamma", 0.0, 1.0))
      p["gamma"] = Text(*g);
    // The replay buffer never needs more room than the run has steps.
    p["buffer_size"] =
        std::to_string(v.OptionalInt("buffer_size", 1, 1'000'000)
                           .value_or(std::clamp<int64_t>(total, 1, 1'000'000)));
    std::optional<bool> training = v.OptionalBool("training");
    if (training && !*training)
      v.AddError("training", "must be true: this endpoint trains");
  }
  if (total > kMaxTotalSteps)
    v.AddError("max_steps", "max_steps x n_episodes must be at most 1e8");
  if (name) {
    Result<std::string> n = ModelNameFromReference(*name, algo, "model_name");
    if (n.ok())
      m.model_name = *n;
    else
      v.AddError("model_name", n.status().details().empty()
                                   ? n.status().message()
                                   : n.status().details()[0].message);
  }
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(rl::Algo a, rl::ParseAlgo(algo));
  TY_RETURN_IF_ERROR(rl::ValidateParams(a, p));
  return spec;
}

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
    TY_ASSIGN_OR_RETURN(
        spec.market_prices_path,
        s.deps.data_dir->Resolve(MarketDataDir(owner, spec.model.market_data) +
                                 "/prices.csv"));
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
  spec.model_dir = version.paths.model_dir;
  spec.csv_dir = version.paths.csv_dir;
  spec.rel_model_dir = version.paths.rel_model_dir;
  spec.rel_csv_dir = version.paths.rel_csv_dir;
  spec.data_model_dir = s.deps.data_dir->Relative(spec.model_dir);
  spec.data_csv_dir = s.deps.data_dir->Relative(spec.csv_dir);
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
                                       Access::kUser, ctx, Train, algo));
    TY_RETURN_IF_ERROR(AddIlpAlgoRoute(router, "GET", base + "/train-result/",
                                       Access::kUser, ctx, TrainResult, algo));
  }
  return Status::Ok();
}

}  // namespace trainyard::ilp
