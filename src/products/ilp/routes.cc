#include "products/ilp/routes.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/bounded_response.h"
#include "api/error_response.h"
#include "api/file_response.h"
#include "api/job_json.h"
#include "api/json_validator.h"
#include "api/pagination.h"
#include "env/action_transform.h"
#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/chain_data.h"
#include "products/ilp/chain_endpoints.h"
#include "products/ilp/chain_routes.h"
#include "products/ilp/evaluate_job.h"
#include "products/ilp/evaluation.h"
#include "products/ilp/model_registry.h"
#include "products/ilp/pool_data.h"
#include "products/ilp/predictor.h"
#include "products/ilp/settings_store.h"
#include "products/ilp/strategy.h"
#include "products/ilp/train_job.h"
#include "products/ilp/workspace.h"
#include "rl/config.h"
#include "univ3/price.h"

namespace trainyard::ilp {
namespace {

namespace fs = std::filesystem;
using api::JsonResponse;
using api::JsonValidator;
using api::Request;
using api::Response;
using nlohmann::json;

constexpr int64_t kMaxTotalSteps = 100'000'000;
constexpr int64_t kMaxBlocksPerStep = 10000;
constexpr int64_t kMaxEvalSteps = 2'000'000;  // eval_steps x eval_episodes
constexpr double kMaxBudget = 1e12;
constexpr double kTiny = 1e-12;  // lower bound of "positive" numbers
constexpr const char* kDefaultDdpgAgent = "model_storage/ddpg/ddpg_1";
constexpr const char* kDefaultPpoAgent =
    "model_storage/ppo/lstm_actor_critic_batch_norm";
constexpr const char* kDefaultDate = "2024-05-05";

struct Service {
  products::ProductDeps deps;
  jobs::JobService* jobs;
  Workspace workspace;
  IlpModelRegistry registry;
  Predictor predictor;
  SettingsStore* settings = nullptr;          // initialize-script's base_path
  std::shared_ptr<ChainEndpoints> endpoints;  // live pools (pool_address)
  Service(const products::ProductDeps& d, jobs::JobService* j)
      : deps(d),
        jobs(j),
        workspace(d.data_dir),
        registry(d.store->models(), d.artifacts, &workspace, d.clock),
        predictor(d.artifacts) {}
};

// Models trained before models had owners sit in model_storage/<algo>/<name>
// with no registry entry: give each to the owner of the newest job that
// trained it, as version 1, so upgrading loses nobody's model.
Status AdoptLegacyModels(Service* s) {
  for (const char* algo : {"ddpg", "ppo"}) {
    store::JobFilter f;
    f.type = TrainJobType(algo);
    f.limit = 100000;
    TY_ASSIGN_OR_RETURN(std::vector<store::JobRecord> rows, s->jobs->List(f));
    for (const store::JobRecord& r : rows) {  // newest first
      Result<TrainJobSpec> spec = TrainJobSpecFromJson(r.params);
      if (!spec.ok() || spec->version != 0 || r.owner_id.empty()) continue;
      const store::DataDir& dir = *s->deps.data_dir;
      if (!dir.Resolve(dir.Relative(spec->model_dir)).ok()) continue;
      TY_RETURN_IF_ERROR(s->registry
                             .AdoptLegacy(r.owner_id, algo,
                                          spec->model.model_name,
                                          dir.Relative(spec->model_dir),
                                          dir.Relative(spec->csv_dir), r.id)
                             .status());
    }
  }
  return Status::Ok();
}

// The version of the caller's model that `ref` names, to use it: the version
// asked for, or else the newest whose training completed. NOT_FOUND if the
// caller has no such model (whoever else has one); CONFLICT if its only
// versions are still training.
Result<IlpVersion> UsableVersion(Service& s, const api::Principal& caller,
                                 const std::string& algo,
                                 const ModelReference& ref) {
  if (ref.version)
    return s.registry.Find(caller.user_id, algo, ref.name, ref.version);
  TY_ASSIGN_OR_RETURN(std::vector<IlpVersion> all,
                      s.registry.Versions(caller.user_id, algo, ref.name));
  std::string training_job;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (it->job_id.empty()) return *it;
    Result<store::JobRecord> job = s.jobs->Get(it->job_id);
    if (!job.ok()) continue;
    if (job->status == store::JobStatus::kCompleted) return *it;
    if (job->status == store::JobStatus::kQueued ||
        job->status == store::JobStatus::kRunning)
      training_job = job->id;
  }
  if (!training_job.empty()) {
    return ConflictError("model 'model_storage/" + algo + "/" + ref.name +
                         "' has no trained version yet: job " + training_job +
                         " is still training it");
  }
  return NotFoundError("model 'model_storage/" + algo + "/" + ref.name +
                       "' has no successfully trained version");
}

// Opens the settings table and restores the stored base_path. A stored base
// that is no longer usable (moved data directory) falls back to the default.
Status RestoreSettings(Service* s) {
  s->settings = s->deps.store->ilp_settings();
  TY_ASSIGN_OR_RETURN(std::optional<std::string> base,
                      s->settings->Get(kBasePathSetting));
  if (base && !s->workspace.SetBase(*base).ok()) s->workspace.Reset();
  return Status::Ok();
}

std::string Text(double v) { return ParamValueText(v); }

// Copies a nested validator's errors into `outer` as "<prefix>.<field>".
void MergeErrors(const JsonValidator& inner, const std::string& prefix,
                 JsonValidator* outer) {
  Status s = inner.Finish();
  for (const FieldError& e : s.details())
    outer->AddError(prefix + "." + e.field, e.message);
}

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
Result<std::optional<store::JobRecord>> ActiveJobFor(Service& s,
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

Result<Response> Train(Service& s, const std::string& algo, Request& req) {
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

// ---------------------------------------------------------- train-result

std::string ResultStatus(store::JobStatus st) {
  switch (st) {
    case store::JobStatus::kQueued:
    case store::JobStatus::kRunning:
      return "running";
    case store::JobStatus::kCompleted:
      return "done";
    case store::JobStatus::kFailed:
      return "failed";
    case store::JobStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

Result<Response> TrainResult(Service& s, const std::string& algo,
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

// -------------------------------------------------------------- evaluate

Result<Response> Evaluate(Service& s, const std::string& algo, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"eval_steps", "eval_episodes", "model_name",
                       "model_version", "percentage_range", "agent_budget_usd",
                       "use_running_statistics", "action_transform",
                       "baselines", "seed", "market_data"});
  EvaluateRequest e;
  e.algo = algo;
  e.eval_steps = v.OptionalInt("eval_steps", 1, 1'000'000).value_or(1000);
  e.eval_episodes = v.OptionalInt("eval_episodes", 1, 100'000).value_or(100);
  std::optional<std::string> name = v.RequiredString("model_name", 300);
  std::optional<int64_t> version =
      v.OptionalInt("model_version", 1, int64_t{1} << 40);
  e.percentage_range =
      v.OptionalNumber("percentage_range", kTiny, 1.0 - 1e-9).value_or(0.5);
  e.agent_budget_usd =
      v.OptionalNumber("agent_budget_usd", kTiny, kMaxBudget).value_or(10000.0);
  e.use_running_statistics =
      v.OptionalBool("use_running_statistics").value_or(false);
  e.action_transform =
      v.OptionalEnum("action_transform", ActionTransformNames());
  e.seed = static_cast<uint64_t>(
      v.OptionalInt("seed", 0, int64_t{1} << 53).value_or(0));
  const std::optional<std::string> market_data =
      v.OptionalString("market_data", 64);
  if (std::optional<json> list = v.OptionalArray("baselines")) {
    e.baselines.clear();
    for (const json& b : *list) {
      Result<env::LpBaseline> parsed =
          env::ParseLpBaseline(b.is_string() ? b.get<std::string>() : "");
      if (!parsed.ok()) {
        v.AddError("baselines",
                   "each entry must be one of hodl, full_range, "
                   "fixed, tau_reset");
        break;
      }
      if (std::find(e.baselines.begin(), e.baselines.end(), *parsed) ==
          e.baselines.end())
        e.baselines.push_back(*parsed);
    }
  }
  if (e.eval_steps * e.eval_episodes > kMaxEvalSteps)
    v.AddError("eval_steps", "eval_steps x eval_episodes must be at most 2e6");
  ModelReference ref;
  if (name) {
    Result<ModelReference> n = ParseModelReference(*name, algo, "model_name");
    if (n.ok())
      ref = *n;
    else
      v.AddError("model_name", n.status().details()[0].message);
  }
  if (version) ref.version = version;
  TY_RETURN_IF_ERROR(v.Finish());
  e.model_name = ref.name;
  TY_ASSIGN_OR_RETURN(IlpVersion model,
                      UsableVersion(s, req.caller(), algo, ref));
  if (market_data) {  // a name that does not exist is the caller's error
    TY_RETURN_IF_ERROR(
        LoadMarketPrices(s.deps.artifacts, req.caller().user_id, *market_data)
            .status());
  }
  jobs::SubmitRequest job{kEvaluateJobType, req.caller().user_id,
                          EvaluateJobParams(e, model, market_data),
                          e.eval_steps * e.eval_episodes};
  job.priority = jobs::kPriorityHigh;  // someone is waiting for it
  return api::RunOrAccept(
      req, s.jobs,
      [&s](jobs::JobContext& ctx) {
        return RunEvaluateJob(&s.registry, s.deps.artifacts, ctx);
      },
      job, s.deps.sync_request_ms(), *s.deps.clock);
}

// ------------------------------------------------ predict-action / inference

json ActionJson(const RangeAction& a) {
  return {
      {"price_lower", a.price_lower},         {"price_upper", a.price_upper},
      {"tick_lower", a.tick_lower},           {"tick_upper", a.tick_upper},
      {"raw_action", {a.action0, a.action1}}, {"decision", a.decision}};
}

// Which agents a request names: a path given is used; a path absent or
// null is not, except that with neither given both documented defaults are
// used (the document's examples name both). No model is run for nobody.
struct AgentRefs {
  std::optional<ModelReference> ddpg, ppo;
};

// A live pool named by pool_address: read through a configured chain
// endpoint (never a URL from the request), its current state and recent
// prices replace imported or synthetic data.
struct LiveRequest {
  std::optional<chain::Address> pool;
  std::string endpoint = "default";
  chain::BlockTag block;
};

// How far back a live prediction looks for the pool's last swaps, and how
// long its reads may take.
constexpr uint64_t kLiveLookbackBlocks = 2000;
constexpr int kLiveTimeoutMs = 15000;

// Reads pool_id, the agent paths, date_str and the live-pool fields
// (pool_address, chain, block) into `out`, `refs` and `live`; the agents
// are the caller's own models (resolved after validation).
void ReadPredictFields(const json& body, JsonValidator* v, PredictRequest* out,
                       AgentRefs* refs, LiveRequest* live) {
  if (std::optional<std::string> a = v->OptionalString("pool_address", 64)) {
    Result<chain::Address> parsed = chain::Address::Parse(*a);
    if (parsed.ok())
      live->pool = *parsed;
    else
      v->AddError("pool_address", "must be 0x and 40 hex digits");
  }
  if (std::optional<std::string> c = v->OptionalString("chain", 64)) {
    live->endpoint = *c;
    if (!live->pool) v->AddError("chain", "only with pool_address");
  }
  if (std::optional<int64_t> b = v->OptionalInt("block", 0, int64_t{1} << 53)) {
    live->block = static_cast<uint64_t>(*b);
    if (!live->pool) v->AddError("block", "only with pool_address");
  }
  // A live pool that is one of the presets is modelled by that preset.
  std::string default_pool = env::kDefaultLpPool;
  if (live->pool && market::FindPreset(live->pool->Hex()).ok())
    default_pool = live->pool->Hex();
  out->pool_id = v->OptionalString("pool_id", 128).value_or(default_pool);
  out->date_str = v->OptionalString("date_str", 32).value_or(kDefaultDate);
  const bool neither =
      !body.contains("ddpg_agent_path") && !body.contains("ppo_agent_path");
  auto read = [&](const char* key, const char* algo, const char* fallback,
                  std::optional<ModelReference>* ref) {
    // null says "not this model" (the validator would refuse it).
    if (body.contains(key) && body[key].is_null()) return;
    std::optional<std::string> path = v->OptionalString(key, 300);
    if (!path && neither) path = fallback;
    if (!path) return;
    Result<ModelReference> r = ParseModelReference(*path, algo, key);
    if (r.ok())
      *ref = *r;
    else
      v->AddError(key, r.status().details()[0].message);
  };
  read("ddpg_agent_path", "ddpg", kDefaultDdpgAgent, &refs->ddpg);
  read("ppo_agent_path", "ppo", kDefaultPpoAgent, &refs->ppo);
  if (!neither && v->ok() && !refs->ddpg && !refs->ppo) {
    v->AddError("ppo_agent_path",
                "name a PPO or a DDPG model (or both); both are null");
  }
  if (!market::FindPreset(out->pool_id).ok())
    v->AddError("pool_id", "not a known pool (see docs/ilp.md)");
  Status date = ValidateDate(out->date_str);
  if (!date.ok()) v->AddError("date_str", "must be a date YYYY-MM-DD");
}

// Reads the live pool of `live` (if any) into in->live.
Result<std::optional<LivePool>> ReadLive(Service& s, const LiveRequest& live,
                                         PredictRequest* in) {
  if (!live.pool) return std::optional<LivePool>();
  TY_ASSIGN_OR_RETURN(std::unique_ptr<chain::EthClient> eth,
                      s.endpoints->Connect(live.endpoint, kLiveTimeoutMs));
  TY_ASSIGN_OR_RETURN(LivePool pool, ReadLivePool(*eth, *live.pool, live.block,
                                                  Predictor::kHistoryPrices,
                                                  kLiveLookbackBlocks));
  PoolHistory h;
  h.prices = pool.prices;
  in->live = std::move(h);
  in->live_key =
      live.endpoint + "|" + live.pool->Hex() + "@" + std::to_string(pool.block);
  return std::optional<LivePool>(std::move(pool));
}

// Fills in->ddpg / in->ppo with the caller's versions of `refs`.
Status ResolveAgents(Service& s, const api::Principal& caller,
                     const AgentRefs& refs, PredictRequest* in) {
  if (refs.ddpg) {
    TY_ASSIGN_OR_RETURN(IlpVersion d,
                        UsableVersion(s, caller, "ddpg", *refs.ddpg));
    in->ddpg = d.paths;
  }
  if (refs.ppo) {
    TY_ASSIGN_OR_RETURN(IlpVersion p,
                        UsableVersion(s, caller, "ppo", *refs.ppo));
    in->ppo = p.paths;
  }
  return Status::Ok();
}

std::string UtcDate(int64_t unix_seconds) {
  return FormatIso8601Millis(unix_seconds * 1000).substr(0, 10);
}

// The live pool's usable ticks for an action's price range (decimals and
// spacing of the pool on chain), so the range can be minted as it is.
json ChainRangeJson(const RangeAction& a, const LivePool& pool) {
  auto tick_of = [&](double price) -> int32_t {
    Result<int32_t> t =
        univ3::PriceToTick(price, pool.decimals0, pool.decimals1);
    return univ3::NearestUsableTick(t.ok() ? *t : pool.tick, pool.tick_spacing);
  };
  int32_t lower = tick_of(a.price_lower);
  int32_t upper = tick_of(a.price_upper);
  if (upper <= lower) upper = lower + pool.tick_spacing;
  return {{"tick_lower", lower}, {"tick_upper", upper}};
}

json PredictJson(const PredictRequest& in, const PredictResult& r,
                 const std::optional<LivePool>& live = std::nullopt,
                 const LiveRequest* request = nullptr) {
  json out = {{"ddpg_action", r.ddpg ? ActionJson(*r.ddpg) : json(nullptr)},
              {"ppo_action", r.ppo ? ActionJson(*r.ppo) : json(nullptr)},
              {"pool_id", in.pool_id},
              {"date_str", in.date_str},
              {"price", r.price},
              {"tick", r.tick},
              {"data_source", r.data_source},
              {"note", nullptr}};
  if (live && request) {
    out["chain"] = {{"endpoint", request->endpoint},
                    {"pool_address", request->pool->Hex()},
                    {"chain_id", live->chain_id},
                    {"block", live->block},
                    {"price", live->price},
                    {"tick", live->tick},
                    {"fee", live->fee},
                    {"tick_spacing", live->tick_spacing},
                    {"token0_symbol", live->symbol0},
                    {"token1_symbol", live->symbol1},
                    {"prices_used", live->prices.size()}};
    if (r.ddpg)
      out["ddpg_action"]["chain_range"] = ChainRangeJson(*r.ddpg, *live);
    if (r.ppo) out["ppo_action"]["chain_range"] = ChainRangeJson(*r.ppo, *live);
  } else if (r.data_source == "imported") {
    out["data_timestamp"] = r.data_timestamp;
    out["data_date"] = UtcDate(r.data_timestamp);
    // No price on the day asked for: the state is that of the last day
    // with one, which the answer must not pass off as current.
    const bool stale = r.data_timestamp < DateToEpochSeconds(in.date_str);
    out["data_stale"] = stale;
    if (stale) {
      const int64_t days = (DateToEpochSeconds(in.date_str) -
                            DateToEpochSeconds(UtcDate(r.data_timestamp))) /
                           86400;
      out["note"] = "no imported price on " + in.date_str +
                    ": the last imported price is from " +
                    FormatIso8601Millis(r.data_timestamp * 1000) + " (" +
                    std::to_string(days) + " day" + (days == 1 ? "" : "s") +
                    " earlier), so the pool state is that of " +
                    UtcDate(r.data_timestamp) +
                    "; import newer prices (POST pool-data/import/) for a "
                    "current state";
    }
  } else {
    out["note"] =
        "no market data is imported for this pool up to this date: the pool "
        "state is simulated from the pool's preset, seeded by pool_id and "
        "date_str";
  }
  return out;
}

Result<Response> ImportPool(Service& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"pool_id", "csv"});
  std::optional<std::string> pool = v.RequiredString("pool_id", 128);
  std::optional<std::string> csv = v.RequiredString("csv", size_t{64} << 20);
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(ImportSummary r,
                      ImportPoolData(*s.deps.artifacts, *pool, *csv,
                                     s.deps.clock->NowMillis()));
  json out = {{"message", "Pool data imported"},
              {"pool_id", *pool},
              {"pool", r.pool},
              {"rows", r.rows},
              {"first_timestamp", r.first_timestamp},
              {"last_timestamp", r.last_timestamp},
              {"path", r.path}};
  return JsonResponse(200, out.dump());
}

Result<Response> PredictAction(Service& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  JsonValidator v(body);
  v.RejectUnknownKeys({"pool_id", "ddpg_agent_path", "ppo_agent_path",
                       "date_str", "pool_address", "chain", "block"});
  PredictRequest in;
  AgentRefs refs;
  LiveRequest live;
  ReadPredictFields(body, &v, &in, &refs, &live);
  TY_RETURN_IF_ERROR(v.Finish());
  TY_RETURN_IF_ERROR(ResolveAgents(s, req.caller(), refs, &in));
  TY_ASSIGN_OR_RETURN(std::optional<LivePool> pool, ReadLive(s, live, &in));
  TY_ASSIGN_OR_RETURN(PredictResult r, s.predictor.Predict(in));
  return JsonResponse(200, PredictJson(in, r, pool, &live).dump());
}

Result<Response> Inference(Service& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"pool_state", "user_preferences", "pool_id",
                       "ddpg_agent_path", "ppo_agent_path", "date_str",
                       "pool_address", "chain", "block"});
  std::optional<json> state = v.OptionalObject("pool_state");
  std::optional<json> prefs = v.OptionalObject("user_preferences");
  if (!state) v.AddError("pool_state", "required object");
  if (!prefs) v.AddError("user_preferences", "required object");
  PositionState ps;
  UserPreferences up;
  const json empty = json::object();
  JsonValidator sv(state ? *state : empty);
  sv.RejectUnknownKeys({"current_profit", "price_out_of_range",
                        "time_since_last_adjustment", "pool_volatility",
                        "price_lower", "price_upper"});
  ps.current_profit =
      sv.RequiredNumber("current_profit", -1e15, 1e15).value_or(0);
  if (std::optional<bool> b = sv.OptionalBool("price_out_of_range"))
    ps.price_out_of_range = *b;
  else if (!state || !state->contains("price_out_of_range"))
    sv.AddError("price_out_of_range", "required");
  ps.time_since_last_adjustment =
      sv.RequiredNumber("time_since_last_adjustment", 0, 1e15).value_or(0);
  ps.pool_volatility = sv.RequiredNumber("pool_volatility", 0, 1e6).value_or(0);
  // The held range, optional: both bounds or neither.
  HeldPosition held;
  held.price_lower = sv.OptionalNumber("price_lower", kTiny, 1e300);
  held.price_upper = sv.OptionalNumber("price_upper", kTiny, 1e300);
  if (held.price_lower.has_value() != held.price_upper.has_value()) {
    sv.AddError(held.price_lower ? "price_upper" : "price_lower",
                "give both bounds of the held range, or neither");
  } else if (held.price_lower && *held.price_lower >= *held.price_upper) {
    sv.AddError("price_upper", "must be above price_lower");
  }
  if (state) MergeErrors(sv, "pool_state", &v);

  JsonValidator uv(prefs ? *prefs : empty);
  uv.RejectUnknownKeys({"risk_tolerance", "investment_horizon",
                        "liquidity_preference", "risk_aversion_threshold",
                        "user_status"});
  std::optional<json> risk = uv.OptionalObject("risk_tolerance");
  if (!risk) uv.AddError("risk_tolerance", "required object");
  JsonValidator rv(risk ? *risk : empty);
  rv.RejectUnknownKeys({"profit_taking", "stop_loss"});
  up.profit_taking =
      rv.RequiredNumber("profit_taking", -1e15, 1e15).value_or(0);
  up.stop_loss = rv.RequiredNumber("stop_loss", -1e15, 1e15).value_or(0);
  if (risk) MergeErrors(rv, "risk_tolerance", &uv);
  up.investment_horizon_days =
      uv.RequiredNumber("investment_horizon", 0, 1e6).value_or(7);
  std::optional<json> liq = uv.OptionalObject("liquidity_preference");
  JsonValidator lv(liq ? *liq : empty);
  lv.RejectUnknownKeys({"adjust_on_price_out_of_range"});
  up.adjust_on_price_out_of_range =
      lv.OptionalBool("adjust_on_price_out_of_range").value_or(true);
  if (liq) MergeErrors(lv, "liquidity_preference", &uv);
  up.risk_aversion_threshold =
      uv.RequiredNumber("risk_aversion_threshold", 0, 1e6).value_or(0);
  up.user_status =
      uv.OptionalString("user_status", 64).value_or("existing_user");
  if (prefs) MergeErrors(uv, "user_preferences", &v);

  PredictRequest in;
  AgentRefs refs;
  LiveRequest live;
  ReadPredictFields(body, &v, &in, &refs, &live);
  TY_RETURN_IF_ERROR(v.Finish());
  TY_RETURN_IF_ERROR(ResolveAgents(s, req.caller(), refs, &in));
  TY_ASSIGN_OR_RETURN(std::optional<LivePool> pool, ReadLive(s, live, &in));
  // The agents see the caller's position, not a fresh pool without one.
  held.current_profit_usd = ps.current_profit;
  held.seconds_since_adjustment = ps.time_since_last_adjustment;
  held.price_out_of_range = ps.price_out_of_range;
  in.position = held;
  TY_ASSIGN_OR_RETURN(PredictResult r, s.predictor.Predict(in));
  const StrategyDecision d = DecideStrategy(ps, up);
  json out = PredictJson(in, r, pool, &live);
  out["strategy_action"] = d.action;
  out["strategy_reason"] = d.reason;
  std::vector<AgentAdvice> advice;
  if (r.ddpg)
    advice.push_back(
        {"ddpg", r.ddpg->decision, r.ddpg->price_lower, r.ddpg->price_upper});
  if (r.ppo)
    advice.push_back(
        {"ppo", r.ppo->decision, r.ppo->price_lower, r.ppo->price_upper});
  const CombinedAdvice c = CombineAdvice(d, advice);
  json agents = json::object();
  for (const auto& [agent, text] : c.agents) agents[agent] = text;
  json saw = json::object();
  for (const auto& [name, value] : r.observation) saw[name] = value;
  out["explanation"] = {
      {"overall", c.overall},
      {"strategy", d.reason},
      {"agents", agents},
      {"disagreements", c.disagreements},
      {"agents_saw", saw},
      {"agents_saw_note",
       std::string("the agents saw the pool state above with the caller's "
                   "position: current_profit over the model's budget, "
                   "in range unless price_out_of_range, "
                   "time_since_last_adjustment in agent steps, ") +
           (held.price_lower ? "and the held range from "
                               "pool_state.price_lower/price_upper"
                             : "and no range bounds (pool_state.price_lower/"
                               "price_upper not given: both log ratios 0)") +
           "; pool_volatility is used by the rules only (the agents see "
           "the pool's own measured volatility)"}};
  if (c.recommended_range) {
    const RangeAction& a =
        c.recommended_range->agent == "ppo" ? *r.ppo : *r.ddpg;
    json range = ActionJson(a);
    range["from"] = c.recommended_range->agent;
    out["recommended_range"] = range;
  } else {
    out["recommended_range"] = nullptr;
  }
  return JsonResponse(200, out.dump());
}

// ----------------------------------------- initialize-script, file/download

Result<Response> InitializeScript(Service& s, Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  JsonValidator v(body);
  v.RejectUnknownKeys({"base_path", "reset_env_var"});
  std::optional<std::string> base = v.RequiredString("base_path", 1024);
  std::optional<bool> reset = v.OptionalBool("reset_env_var");
  if (!reset && !body.contains("reset_env_var"))
    v.AddError("reset_env_var", "required");
  TY_RETURN_IF_ERROR(v.Finish());
  Workspace candidate(s.deps.data_dir);
  TY_RETURN_IF_ERROR(candidate.SetBase(*base));  // validate before changing
  if (*reset) {
    TY_RETURN_IF_ERROR(s.settings->Erase(kBasePathSetting));
    s.workspace.Reset();
  }
  TY_RETURN_IF_ERROR(s.workspace.SetBase(*base));
  // Stored relative to the data directory, so a moved data directory keeps
  // its setting.
  TY_RETURN_IF_ERROR(s.settings->Set(
      kBasePathSetting, s.deps.data_dir->Relative(s.workspace.base())));
  json out = {
      {"message", "Base path and reset env var configured successfully"},
      {"base_path", s.workspace.base()},
      {"reset_env_var", *reset}};
  return JsonResponse(200, out.dump());
}

std::string ContentTypeFor(const std::string& name) {
  const std::string ext = fs::path(name).extension().string();
  if (ext == ".csv") return "text/csv";
  if (ext == ".png") return "image/png";
  if (ext == ".json") return "application/json";
  return "application/octet-stream";
}

// The directory (relative to the data directory) that a file_path of the
// form the server answers with — model_storage/<algo>/<name>[/v<N>] or
// model_outdir_csv/<algo>/<name>[/v<N>], relative to the ILP base — means
// among the caller's own models. nullopt for paths of any other form, or
// when the caller has no such model.
std::optional<std::string> CallersModelDir(Service& s,
                                           const api::Principal& caller,
                                           std::string_view dir) {
  while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
  while (dir.substr(0, 2) == "./") dir.remove_prefix(2);
  bool logs = false;
  if (dir.substr(0, 17) == "model_outdir_csv/") {
    logs = true;
    dir.remove_prefix(17);
  } else if (dir.substr(0, 14) == "model_storage/") {
    dir.remove_prefix(14);
  } else {
    return std::nullopt;
  }
  const size_t slash = dir.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string algo(dir.substr(0, slash));
  if (algo != "ppo" && algo != "ddpg") return std::nullopt;
  Result<ModelReference> ref =
      ParseModelReference(dir.substr(slash + 1), algo, "file_path");
  if (!ref.ok()) return std::nullopt;
  Result<IlpVersion> v =
      s.registry.Find(caller.user_id, algo, ref->name, ref->version);
  if (!v.ok()) return std::nullopt;
  return s.deps.data_dir->Relative(logs ? v->paths.csv_dir
                                        : v->paths.model_dir);
}

// GET file/download: a file of the caller's (an admin's: anyone's) stored
// artifacts, never anything else in the data directory. Names the caller
// does not own answer exactly as missing files do (400, as the document
// says for a missing file), so they reveal nothing.
Result<Response> Download(Service& s, Request& req) {
  api::QueryValidator q(req);
  std::optional<std::string> dir = q.String("file_path");
  std::optional<std::string> name = q.String("file_name");
  TY_RETURN_IF_ERROR(q.Finish());
  std::vector<FieldError> errors;
  if (!dir || dir->empty()) errors.push_back({"file_path", "required"});
  if (!name || name->empty())
    errors.push_back({"file_name", "required"});
  else if (name->find('/') != std::string::npos || *name == "." ||
           *name == "..")
    errors.push_back({"file_name", "must be a file name, not a path"});
  if (!errors.empty())
    return ValidationError("invalid download request", std::move(errors));
  const api::Principal& caller = req.caller();
  std::string relative;
  if (std::optional<std::string> own = CallersModelDir(s, caller, *dir)) {
    relative = *own + "/" + *name;
  } else {
    Result<std::string> path =
        s.workspace.Resolve(*dir + "/" + *name, "file_path");
    // The store's own files resolve to NOT_FOUND: answered as missing below.
    if (!path.ok() && path.status().code() != ErrorCode::kNotFound)
      return path.status();
    if (path.ok()) relative = s.deps.data_dir->Relative(*path);
  }
  Result<store::ArtifactInfo> file =
      relative.empty() ? Result<store::ArtifactInfo>(NotFoundError(""))
                       : s.deps.artifacts->OpenForRead(
                             {caller.user_id, caller.is_admin()}, relative);
  Result<Response> r = file.ok()
                           ? api::FileAttachmentResponse(file->absolute, *name,
                                                         ContentTypeFor(*name))
                           : Result<Response>(file.status());
  if (r.status().code() == ErrorCode::kNotFound) {
    return ValidationError("file not found: " + *dir + "/" + *name,
                           {{"file_name", "no such file"}});
  }
  return r;
}

// -------------------------------------------------------------- models

json VersionJson(Service& s, const IlpVersion& v) {
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

Result<json> ModelJson(Service& s, const store::ModelRecord& m, bool owner) {
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
Result<Response> ListModels(Service& s, Request& req) {
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
                      s.registry.Models(owner, page.page_size, page.offset()));
  json results = json::array();
  for (const store::ModelRecord& m : rows) {
    TY_ASSIGN_OR_RETURN(json one, ModelJson(s, m, scope == "all"));
    results.push_back(std::move(one));
  }
  return JsonResponse(
      200, api::CountNextPreviousPage(req, page, count, results).dump());
}

// GET /api/v1/ilp/models/{algo}/{name}/: one of the caller's models.
Result<Response> GetModel(Service& s, Request& req) {
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

Status AddIlpRoutes(const products::ProductDeps& deps, jobs::JobService* jobs,
                    std::shared_ptr<ChainEndpoints> endpoints,
                    api::Router* router) {
  auto s = std::make_shared<Service>(deps, jobs);
  s->endpoints = std::move(endpoints);
  TY_RETURN_IF_ERROR(RestoreSettings(s.get()));
  TY_RETURN_IF_ERROR(AdoptLegacyModels(s.get()));
  using Fn = Result<Response> (*)(Service&, const std::string&, Request&);
  auto per_algo = [s](Fn fn, std::string algo) {
    return [s, fn, algo](Request& r) { return fn(*s, algo, r); };
  };
  auto plain = [s](Result<Response> (*fn)(Service&, Request&)) {
    return [s, fn](Request& r) { return fn(*s, r); };
  };
  using api::Access;
  for (const char* algo : {"ddpg", "ppo"}) {
    const std::string base = std::string("/api/v1/") + algo;
    TY_RETURN_IF_ERROR(router->Add(
        {"POST", base + "/train/", Access::kUser, per_algo(Train, algo)}));
    TY_RETURN_IF_ERROR(
        router->Add({"GET", base + "/train-result/", Access::kUser,
                     per_algo(TrainResult, algo)}));
    TY_RETURN_IF_ERROR(router->Add({"POST", base + "/evaluate/", Access::kUser,
                                    per_algo(Evaluate, algo)}));
  }
  TY_RETURN_IF_ERROR(router->Add({"POST", "/api/v1/initialize-script/",
                                  Access::kAdmin, plain(InitializeScript)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/v1/file/download/", Access::kUser, plain(Download)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"GET", "/api/v1/ilp/models/", Access::kUser, plain(ListModels)}));
  TY_RETURN_IF_ERROR(router->Add({"GET", "/api/v1/ilp/models/{algo}/{name}/",
                                  Access::kUser, plain(GetModel)}));
  TY_RETURN_IF_ERROR(router->Add(
      {"POST", "/api/v1/inference/", Access::kUser, plain(Inference)}));
  TY_RETURN_IF_ERROR(router->Add({"POST", "/api/v1/predict-action/",
                                  Access::kUser, plain(PredictAction)}));
  TY_RETURN_IF_ERROR(
      router->Add({"POST", "/api/v1/pool-data/import/", Access::kAdmin,
                   plain(ImportPool), int64_t{64} << 20}));
  TY_RETURN_IF_ERROR(AddChainRoutes(deps, jobs, s->endpoints, router));
  return Status::Ok();
}

}  // namespace trainyard::ilp
