#include "rl/trainer.h"

#include <dlfcn.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <variant>

#include "rl/checkpoint_file.h"
#include "rl/config.h"
#include "rl/internal/algorithm.h"
#include "rl/internal/space_json.h"
#include "tracking/csv_logger.h"
#include "tracking/event_file.h"

namespace trainyard::rl {
namespace {

using internal::Algorithm;
using internal::EnvRunner;

constexpr int kCheckpointFormat = 1;

Status ValidateOptions(const TrainOptions& o) {
  std::vector<FieldError> errors;
  if (o.total_steps < 1) errors.push_back({"steps", "must be at least 1"});
  if (o.threads < 1 || o.threads > 256) errors.push_back({"threads", "must be in [1, 256]"});
  if (o.out_dir.empty()) errors.push_back({"out", "a run directory is required"});
  if (o.env_id.empty()) errors.push_back({"env", "an environment id is required"});
  if (o.log_interval < 0) errors.push_back({"log_interval", "must be >= 0"});
  if (o.checkpoint_interval < 0) {
    errors.push_back({"checkpoint_interval", "must be >= 0"});
  }
  Status config = CheckAlgoConfig(o.config);
  for (const FieldError& e : config.details()) errors.push_back(e);
  if (errors.empty()) return Status::Ok();
  return ValidationError("invalid training options", errors);
}

// What the driver needs from the parsed config besides the algorithm.
struct Built {
  std::unique_ptr<EnvRunner> runner;
  std::unique_ptr<Algorithm> algorithm;
};

// REQUIRES: CheckAlgoConfig(o.config) is OK.
Result<Built> Build(const TrainOptions& o, const env::EnvFactory& make_env) {
  Built b;
  internal::AlgoContext ctx;
  ctx.seed = o.seed;
  ctx.total_steps = o.total_steps;
  auto runner = [&](int n_envs, bool normalize, double gamma) -> Status {
    TY_ASSIGN_OR_RETURN(b.runner, EnvRunner::Create(make_env, n_envs, o.seed,
                                                    normalize, gamma));
    ctx.runner = b.runner.get();
    return Status::Ok();
  };
  const Algo algo = o.config.algo;
  switch (algo) {
    case Algo::kPpo: {
      const auto& c = std::get<PpoConfig>(o.config.params);
      TY_RETURN_IF_ERROR(runner(static_cast<int>(c.n_envs), c.use_running_statistics, c.gamma));
      TY_ASSIGN_OR_RETURN(b.algorithm, internal::MakePpo(c, ctx));
      break;
    }
    case Algo::kDqn: {
      const auto& c = std::get<DqnConfig>(o.config.params);
      TY_RETURN_IF_ERROR(runner(1, c.use_running_statistics, c.gamma));
      TY_ASSIGN_OR_RETURN(b.algorithm, internal::MakeDqn(c, ctx));
      break;
    }
    case Algo::kQLearning: {
      const auto& c = std::get<QLearningConfig>(o.config.params);
      TY_RETURN_IF_ERROR(runner(1, false, c.gamma));
      TY_ASSIGN_OR_RETURN(b.algorithm, internal::MakeQLearning(c, ctx));
      break;
    }
    default: {
      const auto& c = std::get<OffPolicyConfig>(o.config.params);
      TY_RETURN_IF_ERROR(runner(1, c.use_running_statistics, c.gamma));
      TY_ASSIGN_OR_RETURN(b.algorithm, internal::MakeOffPolicy(algo, c, ctx));
      break;
    }
  }
  return b;
}

// torch::set_num_threads does not reach the BLAS library. Debian's libtorch
// uses OpenBLAS, whose own thread pool (one thread per core by default)
// slows small-matrix training several-fold on a busy machine, so it gets the
// same count. Looked up at run time: other BLAS builds lack the symbol.
void SetThreads(int threads) {
  torch::set_num_threads(threads);
  using SetBlasThreads = void (*)(int);
  if (auto f = reinterpret_cast<SetBlasThreads>(
          ::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    f(threads);
  }
}

// The hyperparameters a checkpoint was trained with: its "config" (every
// field, typed), or the text map "params" checkpoints held before it (read
// by the same parser the run's own config came from).
Result<AlgoConfig> SavedConfig(Algo algo, const nlohmann::json& meta) {
  if (meta.contains("config")) return AlgoConfigFromJson(algo, meta["config"]);
  return ParseAlgoConfig(algo, meta.at("params").get<ParamMap>());
}

Status SaveCheckpoint(const std::string& path, const TrainOptions& o,
                      Algorithm& algorithm, EnvRunner& runner) {
  try {
    nlohmann::json meta = {
        {"kind", kCheckpointKind},
        {"format", kCheckpointFormat},
        {"algo", AlgoName(o.config.algo)},
        {"env_id", o.env_id},
        {"seed", std::to_string(o.seed)},
        {"total_steps", o.total_steps},
        {"config", AlgoConfigToJson(o.config)},
        {"obs_space", internal::SpaceToJson(runner.observation_space())},
        {"action_space", internal::SpaceToJson(runner.action_space())},
        {"episodes", runner.episodes()},
        {"recent_returns", runner.recent_returns()}};
    torch::serialize::OutputArchive archive;
    nlohmann::json state = nlohmann::json::object();
    algorithm.SaveState(archive, state, o.save_replay_buffer);
    meta["state"] = state;
    archive.write("env_stats", internal::BytesToTensor(runner.SaveStats()));
    std::ostringstream bytes;
    archive.save_to(bytes);
    return WriteCheckpointFile(path, {meta.dump(), bytes.str()});
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot save checkpoint: ") + e.what());
  }
}

Status LoadCheckpoint(const std::string& path, const TrainOptions& o,
                      Algorithm& algorithm, EnvRunner& runner) {
  TY_ASSIGN_OR_RETURN(CheckpointFile file, ReadCheckpointFile(path));
  auto mismatch = [&](const std::string& what) {
    return Status(ErrorCode::kCorruption,
                  "checkpoint " + path + " does not match this run: " + what);
  };
  try {
    nlohmann::json meta = nlohmann::json::parse(file.meta_json);
    if (meta.at("kind") != kCheckpointKind) {
      return mismatch("it is a '" + meta.at("kind").get<std::string>() +
                      "' file, not a training checkpoint");
    }
    if (meta.at("format") != kCheckpointFormat) return mismatch("unsupported format");
    const std::string saved_algo = meta.at("algo").get<std::string>();
    Result<Algo> algo = ParseAlgo(saved_algo);
    if (!algo.ok() || *algo != o.config.algo) {
      return mismatch("it was trained with algo " + saved_algo);
    }
    if (meta.at("env_id") != o.env_id) {
      return mismatch("it was trained on " + meta.at("env_id").get<std::string>());
    }
    Result<AlgoConfig> saved = SavedConfig(*algo, meta);
    if (!saved.ok()) {
      return mismatch("its hyperparameters do not read (" +
                      saved.status().message() + ")");
    }
    if (*saved != o.config) {
      return mismatch("hyperparameters differ (saved: " +
                      AlgoConfigToJson(*saved).dump() + ")");
    }
    TY_ASSIGN_OR_RETURN(env::Space obs, internal::SpaceFromJson(meta.at("obs_space")));
    if (!internal::SameSpace(obs, runner.observation_space())) {
      return mismatch("observation space differs");
    }
    torch::serialize::InputArchive archive;
    archive.load_from(file.payload.data(), file.payload.size());
    algorithm.LoadState(archive, meta.at("state"));
    torch::Tensor stats;
    archive.read("env_stats", stats);
    TY_RETURN_IF_ERROR(runner.LoadStats(internal::TensorToBytes(stats)));
    runner.SetEpisodeHistory(meta.at("episodes").get<int64_t>(),
                             meta.at("recent_returns").get<std::deque<double>>());
  } catch (const std::exception& e) {
    return mismatch(std::string("cannot restore its state (") + e.what() + ")");
  }
  // New episodes, seeded from the step count so resumed runs stay seeded.
  runner.Reset(o.seed + 0x51ed270b27ULL * static_cast<uint64_t>(algorithm.steps()));
  return Status::Ok();
}

Status ExportPolicy(const std::string& path, const TrainOptions& o,
                    Algorithm& algorithm, EnvRunner& runner) {
  try {
    nlohmann::json net;
    torch::serialize::OutputArchive archive;
    algorithm.ExportPolicy(archive, net);
    nlohmann::json meta = {
        {"kind", kPolicyKind},
        {"format", kCheckpointFormat},
        {"algo", AlgoName(o.config.algo)},
        {"env_id", o.env_id},
        {"obs_space", internal::SpaceToJson(runner.observation_space())},
        {"action_space", internal::SpaceToJson(runner.action_space())},
        {"net", net},
        {"steps", algorithm.steps()}};
    if (const env::RunningMeanStd* rms = runner.obs_rms()) {
      meta["obs_rms"] = {{"mean", rms->mean()}, {"var", rms->var()}};
    }
    std::ostringstream bytes;
    archive.save_to(bytes);
    return WriteCheckpointFile(path, {meta.dump(), bytes.str()});
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot export policy: ") + e.what());
  }
}

}  // namespace

std::vector<std::pair<std::string, double>> ProgressMetrics(
    const TrainingProgress& p) {
  std::vector<std::pair<std::string, double>> row = {
      {"episodes", static_cast<double>(p.episodes)},
      {"episode_return_mean", p.recent_mean_return},
      {"sps", p.steps_per_second}};
  for (const auto& [k, v] : p.metrics) row.emplace_back(k, v);
  return row;
}

namespace {

// Metrics sinks of one run: metrics.csv and TensorBoard events.
struct Logs {
  std::optional<tracking::CsvLogger> csv;
  std::optional<tracking::EventWriter> events;

  Status Write(const TrainingProgress& p) {
    tracking::CsvLogger::Row row = {{"step", static_cast<double>(p.steps)}};
    for (auto& kv : ProgressMetrics(p)) row.push_back(std::move(kv));
    if (csv) TY_RETURN_IF_ERROR(csv->Log(row));
    if (!events) return Status::Ok();
    std::vector<tracking::Scalar> scalars;
    for (const auto& [k, v] : row) {
      if (k == "step" || !std::isfinite(v)) continue;
      scalars.push_back({(k == "episode_return_mean" || k == "episodes" ? "rollout/" : "train/") + k,
                         static_cast<float>(v)});
    }
    return events->AddScalars(p.steps, scalars);
  }
};

}  // namespace

Result<TrainResult> Train(const TrainOptions& o,
                          const env::EnvFactory& make_env,
                          const TrainingHooks& hooks) {
  TY_RETURN_IF_ERROR(ValidateOptions(o));
  const std::string ckpt_dir = hooks.checkpoint_dir.empty() ? o.out_dir : hooks.checkpoint_dir;
  const std::string ckpt_path = (std::filesystem::path(ckpt_dir) / kCheckpointFileName).string();
  const bool has_ckpt = std::filesystem::exists(ckpt_path);
  if (o.resume && !has_ckpt) return NotFoundError("nothing to resume: no " + ckpt_path);
  if (!o.resume && has_ckpt) {
    return ConflictError(o.out_dir + " already holds a training run; pass resume "
                         "(--resume) to continue it or choose another directory");
  }
  SetThreads(o.threads);
  TY_ASSIGN_OR_RETURN(Built built, Build(o, make_env));
  Algorithm& algorithm = *built.algorithm;
  EnvRunner& runner = *built.runner;
  if (o.resume) TY_RETURN_IF_ERROR(LoadCheckpoint(ckpt_path, o, algorithm, runner));

  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) return IoError("cannot create " + o.out_dir + ": " + ec.message());
  Logs logs;
  TY_ASSIGN_OR_RETURN(logs.csv, tracking::CsvLogger::Open(
                                    (std::filesystem::path(o.out_dir) / kMetricsFileName).string()));
  if (o.tensorboard) {
    TY_ASSIGN_OR_RETURN(logs.events, tracking::EventWriter::Open(o.out_dir));
  }

  TrainResult result;
  const auto start = std::chrono::steady_clock::now();
  const int64_t start_steps = algorithm.steps();
  int64_t next_checkpoint = o.checkpoint_interval > 0
                                ? start_steps + o.checkpoint_interval
                                : INT64_MAX;
  TrainingProgress progress;
  // The first row after log_interval steps, not after the first iteration:
  // an off-policy iteration is one step, before any episode has finished
  // (the row's mean return would be NaN) and before any update.
  int64_t next_log = start_steps + o.log_interval;
  while (algorithm.steps() < o.total_steps) {
    if (hooks.should_stop && hooks.should_stop()) {
      result.cancelled = true;
      break;
    }
    internal::Metrics metrics;
    const int64_t before = algorithm.steps();
    TY_RETURN_IF_ERROR(algorithm.Iterate(&metrics));
    result.steps_per_iteration = algorithm.steps() - before;
    const double secs = std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start).count();
    progress.steps = algorithm.steps();
    progress.total_steps = o.total_steps;
    progress.fraction = std::min(1.0, static_cast<double>(progress.steps) / o.total_steps);
    progress.steps_per_second = secs > 0 ? (progress.steps - start_steps) / secs : 0.0;
    progress.episodes = runner.episodes();
    progress.recent_mean_return = runner.RecentMeanReturn();
    for (auto& [k, v] : metrics) progress.metrics[k] = v;
    if (progress.steps >= next_log || progress.steps >= o.total_steps) {
      TY_RETURN_IF_ERROR(logs.Write(progress));
      if (hooks.on_progress) hooks.on_progress(progress);
      next_log = progress.steps + o.log_interval;
    }
    if (progress.steps >= next_checkpoint) {
      TY_RETURN_IF_ERROR(SaveCheckpoint(ckpt_path, o, algorithm, runner));
      next_checkpoint = progress.steps + o.checkpoint_interval;
    }
  }
  TY_RETURN_IF_ERROR(SaveCheckpoint(ckpt_path, o, algorithm, runner));
  result.policy_path = (std::filesystem::path(o.out_dir) / kPolicyFileName).string();
  TY_RETURN_IF_ERROR(ExportPolicy(result.policy_path, o, algorithm, runner));
  result.checkpoint_path = ckpt_path;
  result.steps = algorithm.steps();
  result.episodes = runner.episodes();
  result.recent_mean_return = runner.RecentMeanReturn();
  result.steps_per_second = progress.steps_per_second;
  return result;
}

}  // namespace trainyard::rl
