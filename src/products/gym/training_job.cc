#include "products/gym/training_job.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>

#include "env/edge_scaling/per_service.h"
#include "env/edge_scaling/replica_budget.h"
#include "env/wrapper.h"
#include "products/gym/task_spec.h"
#include "rl/trainer.h"

namespace trainyard::gym {

namespace edge = env::edge;
using nlohmann::json;

namespace {

// Finished episodes of a run, shared by every environment copy.
class EpisodeLog {
 public:
  // Keeps the first `capacity` episodes: a PPO rollout may run past the
  // task's last episode, which the task does not report.
  explicit EpisodeLog(int64_t capacity) : capacity_(capacity) {}
  void Add(double reward, int64_t steps, double latency_ms) {
    std::lock_guard lock(mu_);
    if (static_cast<int64_t>(rewards_.size()) >= capacity_) return;
    rewards_.push_back(reward);
    steps_.push_back(steps);
    latencies_.push_back(latency_ms);
  }
  // Restores what an earlier attempt reported (job metrics JSON).
  void Restore(const json& metrics) {
    std::lock_guard lock(mu_);
    if (!metrics.is_object()) return;
    auto read = [&](const char* key, auto* out) {
      if (!metrics.contains(key) || !metrics[key].is_array()) return;
      for (const json& v : metrics[key]) {
        if (v.is_number())
          out->push_back(
              v.get<typename std::decay_t<decltype(*out)>::value_type>());
      }
    };
    read("episode_rewards", &rewards_);
    read("episode_steps", &steps_);
    read("episode_latencies", &latencies_);
    const size_t n =
        std::min({rewards_.size(), steps_.size(), latencies_.size()});
    rewards_.resize(n);
    steps_.resize(n);
    latencies_.resize(n);
  }
  int64_t size() const {
    std::lock_guard lock(mu_);
    return static_cast<int64_t>(rewards_.size());
  }
  json ToJson() const {
    std::lock_guard lock(mu_);
    return {{"episode_rewards", rewards_},
            {"episode_steps", steps_},
            {"episode_latencies", latencies_}};
  }
  // Mean reward and latency of the last `n` episodes (NaN if none).
  std::pair<double, double> RecentMeans(size_t n) const {
    std::lock_guard lock(mu_);
    const size_t k = std::min(n, rewards_.size());
    if (k == 0) return {std::nan(""), std::nan("")};
    double r = 0.0, l = 0.0;
    for (size_t i = rewards_.size() - k; i < rewards_.size(); ++i) {
      r += rewards_[i];
      l += latencies_[i];
    }
    return {r / k, l / k};
  }

 private:
  const int64_t capacity_;
  mutable std::mutex mu_;
  std::vector<double> rewards_;
  std::vector<int64_t> steps_;
  std::vector<double> latencies_;
};

// Adds each finished episode's return, length and mean latency (ms) to the
// log. Allocates only when an episode ends.
class RecordEpisodes final : public env::Wrapper {
 public:
  // `env` is what edge::MakeAgentEnv builds: an EdgeScalingEnv, or a
  // PerServiceEnv whose full steps are what an episode counts.
  RecordEpisodes(std::unique_ptr<env::Env> env, std::shared_ptr<EpisodeLog> log)
      : Wrapper(std::move(env)), log_(std::move(log)) {
    per_service_ = dynamic_cast<edge::PerServiceEnv*>(&inner());
    edge_ = edge::FindEdgeScalingEnv(inner());
  }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             env::Info* info) override {
    inner_->Reset(seed, obs, info);
    reward_ = latency_ = 0.0;
    steps_ = 0;
  }
  env::StepResult Step(std::span<const float> action, std::span<float> obs,
                       env::Info* info) override {
    env::StepResult r = inner_->Step(action, obs, info);
    reward_ += r.reward;
    if (per_service_ != nullptr && !per_service_->stepped()) return r;
    latency_ += edge_->last_metrics().mean_latency_s * 1000.0;
    ++steps_;
    if (r.terminated || r.truncated) {
      log_->Add(reward_, steps_, latency_ / steps_);
    }
    return r;
  }

 private:
  std::shared_ptr<EpisodeLog> log_;
  const edge::EdgeScalingEnv* edge_;
  edge::PerServiceEnv* per_service_ = nullptr;
  double reward_ = 0.0, latency_ = 0.0;
  int64_t steps_ = 0;
};

// Per-update loss series, by name.
class LossLog {
 public:
  void Add(const std::map<std::string, double>& metrics) {
    for (const auto& [name, value] : metrics) {
      const bool is_loss =
          name.find("loss") != std::string::npos || name == "td_error";
      if (is_loss && std::isfinite(value)) losses_[name].push_back(value);
    }
  }
  void Restore(const json& metrics) {
    if (!metrics.is_object() || !metrics.contains("losses")) return;
    for (const auto& [name, values] : metrics["losses"].items()) {
      for (const json& v : values) {
        if (v.is_number()) losses_[name].push_back(v.get<double>());
      }
    }
  }
  json ToJson() const { return losses_; }

 private:
  std::map<std::string, std::vector<double>> losses_;
};

std::string Text(const json& obj, const char* key) {
  return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>()
                                                   : "";
}

}  // namespace

json TaskParamsToJson(const TaskParams& t) {
  return {{"name", t.name},
          {"model_type", t.model_type},
          {"parameters", t.parameters},
          {"total_episodes", t.total_episodes},
          {"group_id", t.group_id},
          {"group", t.group},
          {"environment", t.environment},
          {"wandb_project", t.wandb_project},
          {"wandb_run_name", t.wandb_run_name},
          {"seed", t.seed}};
}

Result<TaskParams> TaskParamsFromJson(const json& p) {
  if (!p.is_object() || !p.contains("model_type") ||
      !p.contains("total_episodes") ||
      !p["total_episodes"].is_number_integer()) {
    return ValidationError("task params lack model_type or total_episodes");
  }
  TaskParams t;
  t.name = Text(p, "name");
  t.model_type = Text(p, "model_type");
  t.parameters = p.value("parameters", json::object());
  t.total_episodes = p["total_episodes"].get<int64_t>();
  t.group_id = Text(p, "group_id");
  t.group = p.value("group", json::object());
  t.environment = p.value("environment", json::object());
  t.wandb_project = p.value("wandb_project", json());
  t.wandb_run_name = p.value("wandb_run_name", json());
  t.seed = p.value("seed", uint64_t{0});
  return t;
}

Result<edge::EdgeScalingConfig> TaskConfig(const TaskParams& task) {
  TY_ASSIGN_OR_RETURN(edge::LoadGroup group,
                      GroupFromJson(task.group_id, task.group));
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config,
                      ParseEnvironment(task.environment, group));
  TY_RETURN_IF_ERROR(ApplyEncoding(task.model_type, &config));
  return config;
}

std::string RunDirectory(const std::string& model_type,
                         const std::string& task_id) {
  return "model_storage/" + model_type + "/" + task_id;
}

Status RunTrainingJob(const products::ProductDeps& deps, GymStore* store,
                      jobs::JobContext& ctx) {
  const store::JobRecord& job = ctx.job();
  json params = json::parse(job.params, nullptr, false);
  TY_ASSIGN_OR_RETURN(TaskParams task, TaskParamsFromJson(params));
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config, TaskConfig(task));
  TY_ASSIGN_OR_RETURN(rl::ParamMap user_params,
                      ParamsFromJson(task.parameters));
  // Read once here; the route checked the same parameters with the same
  // parser, so a refusal means the task was stored by another version.
  Result<rl::AlgoConfig> algo_config =
      ValidateParameters(task.model_type, config, user_params);
  if (!algo_config.ok()) {
    return Status(ErrorCode::kUnprocessable, algo_config.status().message());
  }

  auto episodes = std::make_shared<EpisodeLog>(task.total_episodes);
  LossLog losses;
  const json previous = json::parse(job.metrics, nullptr, false);
  episodes->Restore(previous);
  losses.Restore(previous);

  // The episodes are recorded inside the replica budget (if any), with the
  // rewards reconcile also uses.
  const env::EnvFactory make_env =
      [config, episodes](int) -> Result<std::unique_ptr<env::Env>> {
    return edge::MakeTrainingEnv(
        config, [&episodes](std::unique_ptr<env::Env> agent_env) {
          return std::make_unique<RecordEpisodes>(std::move(agent_env),
                                                  episodes);
        });
  };

  const std::string run_dir = RunDirectory(task.model_type, job.id);
  // The trained model's files are the task owner's (file/download serves
  // them to the owner and admins).
  if (!job.owner_id.empty()) {
    TY_RETURN_IF_ERROR(deps.artifacts->Claim(run_dir, job.owner_id, "gym",
                                             deps.clock->NowMillis()));
  }
  rl::TrainOptions options;
  options.config = *std::move(algo_config);
  options.env_id = edge::kEnvId;
  // Agent steps: per_service takes one per service for each env step.
  const int64_t agent_steps_per_step = edge::AgentStepsPerStep(config);
  const int64_t agent_episode_steps =
      static_cast<int64_t>(config.episode_steps) * agent_steps_per_step;
  options.total_steps = task.total_episodes * agent_episode_steps;
  options.seed = task.seed;
  options.out_dir =
      (std::filesystem::path(deps.data_dir->root()) / run_dir).string();
  options.resume = std::filesystem::exists(
      std::filesystem::path(ctx.checkpoint_dir()) / rl::kCheckpointFileName);
  options.log_interval =
      std::max<int64_t>(agent_episode_steps, options.total_steps / 1000);
  options.checkpoint_interval =
      std::max<int64_t>(agent_episode_steps, options.total_steps / 10);

  auto metrics_json = [&](int64_t agent_steps, double steps_per_second) {
    json m = episodes->ToJson();
    m["losses"] = losses.ToJson();
    m["steps"] = agent_steps;
    m["env_steps"] = agent_steps / agent_steps_per_step;
    m["steps_per_second"] = steps_per_second;
    return m.dump();
  };
  rl::TrainingHooks hooks;
  hooks.checkpoint_dir = ctx.checkpoint_dir();
  hooks.should_stop = [&ctx] { return ctx.ShouldStop(); };
  hooks.on_progress = [&](const rl::TrainingProgress& p) {
    losses.Add(p.metrics);
    jobs::JobContext::MetricValues values = rl::ProgressMetrics(p);
    const auto [reward, latency] = episodes->RecentMeans(100);
    values.emplace_back("episode_reward_mean", reward);
    values.emplace_back("latency_mean", latency);
    ctx.RecordMetrics(p.steps, values);
    ctx.ReportProgress(std::min(episodes->size(), task.total_episodes),
                       task.total_episodes,
                       metrics_json(p.steps, p.steps_per_second));
  };
  ctx.Log((options.resume ? "resuming " : "training ") + task.model_type +
          " on " + edge::kEnvId + " (group " + task.group_id + ") for " +
          std::to_string(options.total_steps) + " steps");
  const auto start = std::chrono::steady_clock::now();
  Result<rl::TrainResult> result = rl::Train(options, make_env, hooks);
  if (!result.ok()) {
    ctx.Log("training failed: " + result.status().ToString());
    if (result.status().code() == ErrorCode::kValidation) {
      return Status(ErrorCode::kUnprocessable, result.status().message());
    }
    return result.status();
  }
  const int64_t done = std::min(episodes->size(), task.total_episodes);
  ctx.ReportProgress(result->cancelled ? done : task.total_episodes,
                     task.total_episodes,
                     metrics_json(result->steps, result->steps_per_second));
  if (result->cancelled) {
    ctx.Log("stopped after " + std::to_string(result->steps) +
            " steps; checkpoint and policy kept");
    return jobs::JobStopped();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  auto [avg_reward, avg_latency] = episodes->RecentMeans(100);
  // "steps" counts environment steps (what total_episodes x episode_steps
  // asks for); a per_service agent takes one decision per service in each.
  const int64_t env_steps = result->steps / agent_steps_per_step;
  json model_metrics = {
      {"avg_reward", avg_reward},     {"latency", avg_latency},
      {"episodes", episodes->size()}, {"steps", env_steps},
      {"agent_steps", result->steps}, {"training_seconds", seconds}};
  for (auto* v : {&model_metrics["avg_reward"], &model_metrics["latency"]}) {
    if (!std::isfinite(v->get<double>())) *v = nullptr;
  }
  const std::string weights = deps.data_dir->Relative(result->policy_path);
  const int64_t now = deps.clock->NowMillis();
  ModelRow model;
  model.model_id = job.id;
  model.owner_id = job.owner_id;
  model.name = task.name;
  model.type = task.model_type;
  model.metrics = model_metrics.dump();
  model.weights_path = weights;
  model.created_at = model.updated_at = now;
  // Before the model is listed: API servers on other hosts deploy it.
  TY_RETURN_IF_ERROR(deps.artifacts->Publish(run_dir, now).status());
  TY_RETURN_IF_ERROR(store->PutModel(model));
  ctx.SetResult(json{{"model_id", job.id},
                     {"model_weights_path", weights},
                     {"run_dir", run_dir},
                     {"steps", env_steps},
                     {"agent_steps", result->steps},
                     {"episodes", episodes->size()},
                     {"training_seconds", seconds},
                     {"metrics", model_metrics}}
                    .dump());
  ctx.Log("completed: " + std::to_string(episodes->size()) + " episodes");
  return Status::Ok();
}

}  // namespace trainyard::gym
