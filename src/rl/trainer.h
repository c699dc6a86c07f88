// Training entry point of the rl layer: builds the environments from the
// caller's factory and the algorithm configured in TrainOptions, runs it for a
// number of environment steps while reporting progress through TrainingHooks,
// and writes the run directory: checkpoint.tyrl (full training state, for
// --resume), policy.tyrl (inference only, see policy.h) and the metrics logs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "env/env.h"
#include "rl/algo_config.h"

namespace trainyard::rl {

// File names inside a run directory.
inline constexpr const char* kCheckpointFileName = "checkpoint.tyrl";
inline constexpr const char* kPolicyFileName = "policy.tyrl";
inline constexpr const char* kMetricsFileName = "metrics.csv";

struct TrainOptions {
  // The algorithm and its hyperparameters, as ParseAlgoConfig returns them
  // (algo_config.h): ranges are checked there, not again here.
  AlgoConfig config;
  // The environment's name, e.g. "CartPole-v1": recorded in the checkpoint
  // (a resume must give the same) and the policy file (LoadPolicy's users
  // look it up in a registry). The environment itself comes from Train's
  // factory.
  std::string env_id;
  int64_t total_steps = 0;  // environment steps, over all env copies
  uint64_t seed = 0;
  int threads = 1;          // torch intra-op threads (process-wide setting)
  std::string out_dir;      // run directory (created if missing)
  // Continue from out_dir/checkpoint.tyrl: steps, curves, optimisers and
  // RNG streams carry on; environments restart new episodes.
  bool resume = false;
  int64_t checkpoint_interval = 0;  // env steps between checkpoints; 0 = end only
  bool save_replay_buffer = true;   // include replay buffers in checkpoints
  bool tensorboard = true;          // also write TensorBoard event files
  // Env steps between metric rows / on_progress calls (the first update
  // after each multiple is reported; the last update always is).
  int64_t log_interval = 1000;
};

// A snapshot passed to TrainingHooks::on_progress after every update.
struct TrainingProgress {
  int64_t steps = 0;
  int64_t total_steps = 0;
  double fraction = 0.0;            // steps / total_steps, in [0, 1]
  double steps_per_second = 0.0;    // over this process's run so far
  int64_t episodes = 0;
  double recent_mean_return = 0.0;  // last 100 episodes; NaN before any
  std::map<std::string, double> metrics;  // losses, entropy, learning_rate...
};

// The metric row of a progress snapshot, without the step: episodes,
// episode_return_mean (NaN before any episode), sps (env steps/s) and the
// algorithm's own metrics (losses, entropy, learning_rate, ...). What
// metrics.csv, the TensorBoard events and job curves record.
std::vector<std::pair<std::string, double>> ProgressMetrics(
    const TrainingProgress& progress);

// How a caller (CLI, job worker) observes and controls a training run. Every
// member is optional. Called on the training thread, between updates.
struct TrainingHooks {
  std::function<void(const TrainingProgress&)> on_progress;
  // Polled between updates; returning true stops the run after a checkpoint
  // is written (TrainResult::cancelled).
  std::function<bool()> should_stop;
  // Where checkpoint.tyrl goes; empty = out_dir.
  std::string checkpoint_dir;
};

struct TrainResult {
  // Environment steps done: a run stops at the end of the iteration that
  // reaches total_steps, so this may exceed it by up to one iteration
  // (PPO collects n_steps x n_envs steps per iteration).
  int64_t steps = 0;
  int64_t steps_per_iteration = 0;  // env steps of the last iteration
  int64_t episodes = 0;
  bool cancelled = false;
  double recent_mean_return = 0.0;  // NaN if no episode finished
  double steps_per_second = 0.0;
  std::string checkpoint_path, policy_path;
};

// Runs training on environments built by `make_env`, called on this thread
// once per copy the algorithm steps (PPO's n_envs, one for the others) with
// the copy's index, before the first step. A registry id's factory is
// env::Registry::Factory(id). Errors: VALIDATION_ERROR for bad options (one
// FieldError per problem), a config whose hyperparameters are not its
// algorithm's, or an environment the algorithm cannot train on (its spaces);
// whatever make_env returns; NOT_FOUND for a missing checkpoint on resume;
// CONFLICT if out_dir already holds a checkpoint and resume is false;
// CORRUPTION for a damaged or mismatched checkpoint; IO for file-system
// failures; INTERNAL for torch failures. Sets torch's process-wide thread
// count to options.threads. REQUIRES: make_env is callable.
Result<TrainResult> Train(const TrainOptions& options,
                          const env::EnvFactory& make_env,
                          const TrainingHooks& hooks = {});

}  // namespace trainyard::rl
