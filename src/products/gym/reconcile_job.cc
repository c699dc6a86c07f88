#include "products/gym/reconcile_job.h"

#include <cmath>
#include <filesystem>
#include <memory>
#include <span>

#include "core/clock.h"
#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/per_service.h"
#include "products/gym/task_spec.h"
#include "products/gym/training_job.h"
#include "rl/policy.h"
#include "rl/trainer.h"

namespace trainyard::gym {

namespace {

namespace edge = env::edge;
using nlohmann::json;

// How often (in environment steps) a run looks at ShouldStop(): a step is
// microseconds, the check a clock read.
constexpr int64_t kStopCheckSteps = 256;

// Mean per-step reward of the last 100 training episodes, or NaN.
double TrainingRewardPerStep(const store::JobRecord& job) {
  json m = json::parse(job.metrics, nullptr, false);
  if (!m.is_object() || !m.contains("episode_rewards") ||
      !m.contains("episode_steps")) {
    return std::nan("");
  }
  const json& rewards = m["episode_rewards"];
  const json& steps = m["episode_steps"];
  const size_t n = std::min(rewards.size(), steps.size());
  double reward = 0.0, count = 0.0;
  for (size_t i = n > 100 ? n - 100 : 0; i < n; ++i) {
    reward += rewards[i].get<double>();
    count += steps[i].get<double>();
  }
  return count > 0 ? reward / count : std::nan("");
}

json RunJson(const edge::PolicyRun& run, int episode_steps) {
  return {{"avg_reward", run.mean_reward * episode_steps},
          {"reward_per_step", run.mean_reward},
          {"reward_std", run.reward_std},
          {"avg_latency", run.mean_latency_ms},
          {"latency_std", run.latency_std_ms},
          {"p95_latency", run.p95_latency_ms},
          {"served_latency", run.served_latency_ms},
          {"failed_request_share", run.failed_request_share},
          {"avg_throughput", run.mean_throughput},
          {"avg_offered_rate", run.mean_offered_rate},
          {"avg_replicas", run.mean_replicas},
          {"success_rate", run.slo_rate}};
}

// `act`, stopping the run with JobStopped() once ctx asks for it, and
// reporting runs_before + the steps of this run as progress.
edge::ActFn Stoppable(edge::ActFn act, jobs::JobContext& ctx,
                      int64_t runs_before, int64_t steps_per_run,
                      int64_t total) {
  auto step = std::make_shared<int64_t>(0);
  return [act = std::move(act), &ctx, step, runs_before, steps_per_run, total](
             std::span<const float> obs, std::span<float> action) {
    if (++*step % kStopCheckSteps == 0) {
      ctx.ReportProgress(runs_before * steps_per_run + *step, total);
      if (ctx.ShouldStop()) return jobs::JobStopped();
    }
    return act(obs, action);
  };
}

// The answer's "baselines": HPA, max_replicas and a static count sized for
// the mean load the policy's run saw (the load does not depend on the
// policy, so every run sees the same requests).
Result<json> BaselinesJson(edge::EdgeScalingEnv& env,
                           const edge::EdgeScalingConfig& config,
                           const edge::PolicyRun& agent_run,
                           int64_t sample_size, uint64_t seed,
                           jobs::JobContext& ctx) {
  const int static_count =
      edge::StaticReplicasFor(config, agent_run.mean_offered_rate);
  json baselines = json::object();
  int64_t run = 1;
  for (const char* name : {"hpa", "static", "max_replicas"}) {
    TY_ASSIGN_OR_RETURN(std::unique_ptr<edge::ScalingPolicy> baseline,
                        edge::MakeBaseline(name, config, static_count));
    edge::ScalingPolicy* b = baseline.get();
    TY_ASSIGN_OR_RETURN(
        edge::PolicyRun base_run,
        edge::RunPolicy(
            env,
            Stoppable(
                [b](std::span<const float> obs, std::span<float> action) {
                  b->Act(obs, action);
                  return Status::Ok();
                },
                ctx, run++, sample_size, 4 * sample_size),
            sample_size, seed));
    json j = RunJson(base_run, config.episode_steps);
    if (std::string(name) == "static") {
      j["replicas_per_service"] = static_count;
      j["definition"] =
          "the same count for every service, sized for the run's mean "
          "request rate at 75% utilisation (within HPA's 10% tolerance)";
    }
    baselines[name] = std::move(j);
  }
  return baselines;
}

Result<ReconcileRequest> ReconcileFromParams(const std::string& text) {
  const json p = json::parse(text, nullptr, false);
  ReconcileRequest r;
  if (!p.is_object() || !p.contains("task_id") || !p["task_id"].is_string() ||
      !p.contains("sample_size") || !p["sample_size"].is_number_integer() ||
      !p.contains("group_id") || !p["group_id"].is_string() ||
      !p.contains("group") || !p.contains("deterministic") ||
      !p["deterministic"].is_boolean()) {
    return ValidationError("reconcile job parameters are incomplete");
  }
  r.task_id = p["task_id"];
  r.sample_size = p["sample_size"];
  r.group_id = p["group_id"];
  r.group = p["group"];
  r.deterministic = p["deterministic"];
  return r;
}

}  // namespace

std::string ReconcileJobParams(const ReconcileRequest& r) {
  return json{{"task_id", r.task_id},
              {"sample_size", r.sample_size},
              {"group_id", r.group_id},
              {"group", r.group},
              {"deterministic", r.deterministic}}
      .dump();
}

Result<ReconcileTask> LoadReconcileTask(const products::ProductDeps& deps,
                                        store::JobRecord task) {
  TY_ASSIGN_OR_RETURN(TaskParams params, TaskParamsFromJson(json::parse(
                                             task.params, nullptr, false)));
  std::string weights =
      RunDirectory(params.model_type, task.id) + "/" + rl::kPolicyFileName;
  TY_RETURN_IF_ERROR(deps.artifacts->Fetch(weights).status());
  std::error_code ec;
  if (!std::filesystem::exists(
          std::filesystem::path(deps.data_dir->root()) / weights, ec)) {
    return NotFoundError("task '" + task.id + "' has no trained model yet");
  }
  return ReconcileTask{std::move(task), std::move(params), std::move(weights)};
}

Status RunReconcileJob(const products::ProductDeps& deps,
                       jobs::JobContext& ctx) {
  TY_ASSIGN_OR_RETURN(ReconcileRequest r,
                      ReconcileFromParams(ctx.job().params));
  Result<store::JobRecord> found = deps.store->jobs()->Get(r.task_id);
  if (!found.ok() || found->type != kTrainJobType)
    return NotFoundError("task '" + r.task_id + "' not found");
  TY_ASSIGN_OR_RETURN(ReconcileTask task,
                      LoadReconcileTask(deps, std::move(*found)));
  return ReconcileTrainedTask(deps, task, r, ctx);
}

Status ReconcileTrainedTask(const products::ProductDeps& deps,
                            const ReconcileTask& loaded,
                            const ReconcileRequest& r, jobs::JobContext& ctx) {
  const store::JobRecord& job = loaded.job;
  const std::string& weights = loaded.weights;
  TaskParams task = loaded.params;
  TY_ASSIGN_OR_RETURN(edge::LoadGroup group,
                      GroupFromJson(r.group_id, r.group));
  task.group_id = r.group_id;
  task.group = r.group;
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config, TaskConfig(task));

  const std::string policy_path =
      (std::filesystem::path(deps.data_dir->root()) / weights).string();
  TY_ASSIGN_OR_RETURN(std::unique_ptr<rl::Policy> policy,
                      rl::LoadPolicy(policy_path, group.seed));
  edge::EdgeScalingEnv env(config);
  const std::unique_ptr<env::Env> agent_env = edge::MakeAgentEnv(config);
  if (!(policy->observation_space() == agent_env->observation_space()) ||
      !(policy->action_space() == agent_env->action_space())) {
    return InternalError("the model's spaces do not match its environment");
  }
  rl::Policy* p = policy.get();
  const bool deterministic = r.deterministic;
  const int64_t total = 4 * r.sample_size;
  TY_ASSIGN_OR_RETURN(
      edge::PolicyRun run,
      edge::RunPolicy(
          env,
          Stoppable(
              edge::FullStepAct(config,
                                [p, deterministic](std::span<const float> obs,
                                                   std::span<float> action) {
                                  return p->Act(obs, deterministic, action);
                                }),
              ctx, 0, r.sample_size, total),
          r.sample_size, group.seed));
  TY_ASSIGN_OR_RETURN(
      json baselines,
      BaselinesJson(env, config, run, r.sample_size, group.seed, ctx));
  const double trained = TrainingRewardPerStep(job);
  json adaptation;  // null when undefined
  if (std::isfinite(trained) && trained != 0 && run.mean_reward != 0 &&
      (trained < 0) == (run.mean_reward < 0)) {
    adaptation =
        trained < 0 ? trained / run.mean_reward : run.mean_reward / trained;
  }
  json metrics = RunJson(run, config.episode_steps);
  metrics["adaptation_score"] = adaptation;
  metrics["training_reward_per_step"] =
      std::isfinite(trained) ? json(trained) : json();
  json wandb_run_id;
  if (task.wandb_project.is_string()) wandb_run_id = job.id;
  json out = {{"task_id", job.id},
              {"model_type", task.model_type},
              {"group_id", r.group_id},
              {"wandb_run_id", wandb_run_id},
              {"metrics", metrics},
              {"baselines", baselines},
              {"sample_size", r.sample_size},
              {"timestamp", FormatIso8601(deps.clock->Now())},
              {"model_weights_path", weights}};
  ctx.ReportProgress(total, total);
  ctx.SetResult(out.dump());
  return Status::Ok();
}

}  // namespace trainyard::gym
