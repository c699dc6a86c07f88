// `trainyard train`: trains one algorithm on one registered environment and
// writes a run directory (checkpoint, policy, metrics.csv, TensorBoard
// events, learning_curve.png). Ctrl-C stops after writing a checkpoint;
// --resume continues.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "env/env.h"
#include "rl/trainer.h"
#include "tracking/line_plot.h"

namespace trainyard::cli {
namespace {

// The PNG learning curve written beside metrics.csv at the end of a run.
constexpr const char* kLearningCurveFile = "learning_curve.png";

// Plots the run's mean episode return against env steps. A run without a
// finished episode has no curve; that is not an error of the training.
void WriteLearningCurve(const rl::TrainOptions& o) {
  tracking::PlotOptions plot;
  plot.title = std::string(rl::AlgoName(o.config.algo)) + " on " + o.env_id;
  plot.x_label = "environment steps";
  plot.y_label = "mean episode return (last 100)";
  const std::string dir = o.out_dir + "/";
  Status s = tracking::RenderCsvColumnsPng(dir + rl::kMetricsFileName, "step",
                                           {"episode_return_mean"}, plot,
                                           dir + kLearningCurveFile);
  if (s.ok()) {
    std::printf("learning curve: %s%s\n", dir.c_str(), kLearningCurveFile);
  } else {
    std::fprintf(stderr, "warning: no learning curve plot: %s\n",
                 s.ToString().c_str());
  }
}

std::atomic<bool> g_interrupted{false};

void OnSigint(int) { g_interrupted.store(true); }

std::string Duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

// One status line: a bar on a terminal, plain log lines otherwise.
void ShowProgress(const rl::TrainingProgress& p, bool tty) {
  const double eta = p.steps_per_second > 0
                         ? (p.total_steps - p.steps) / p.steps_per_second
                         : NAN;
  char ret[32] = "n/a";
  if (std::isfinite(p.recent_mean_return)) {
    std::snprintf(ret, sizeof ret, "%.2f", p.recent_mean_return);
  }
  if (tty) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(p.fraction * kWidth);
    std::string bar(filled, '#');
    bar.resize(kWidth, '-');
    std::fprintf(stderr, "\r[%s] %3.0f%% %lld/%lld steps | %.0f SPS | return %s | ETA %s   ",
                 bar.c_str(), 100 * p.fraction, static_cast<long long>(p.steps),
                 static_cast<long long>(p.total_steps), p.steps_per_second, ret,
                 Duration(eta).c_str());
    std::fflush(stderr);
    return;
  }
  std::fprintf(stderr, "steps=%lld/%lld progress=%.1f%% sps=%.0f episodes=%lld mean_return=%s eta=%s\n",
               static_cast<long long>(p.steps), static_cast<long long>(p.total_steps),
               100 * p.fraction, p.steps_per_second, static_cast<long long>(p.episodes),
               ret, Duration(eta).c_str());
}

// Exit status of a failed command: 2 for what the user can fix in the
// command line, 1 otherwise.
int ExitCode(const Status& status) {
  const ErrorCode code = status.code();
  return code == ErrorCode::kValidation || code == ErrorCode::kNotFound ||
                 code == ErrorCode::kConflict
             ? 2
             : 1;
}

// "k=v" -> params[k] = v; false (with a message) for a malformed entry.
bool ParseParams(const std::vector<std::string>& raw, rl::ParamMap* params) {
  for (const auto& kv : raw) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: --param expects key=value, got '" << kv << "'\n";
      return false;
    }
    (*params)[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return true;
}

}  // namespace

void RegisterTrainCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("train", "Train an RL agent on a registered environment");
  struct Args {
    rl::TrainOptions options;
    std::string algo;
    std::vector<std::string> params;
    int64_t report_every = 0;
  };
  auto args = std::make_shared<Args>();
  args->options.seed = 1;
  args->options.total_steps = 100000;
  cmd->add_option("--algo", args->algo,
                  "ppo, ddpg, td3, sac, dqn or q_learning")
      ->required();
  cmd->add_option("--env", args->options.env_id, "Environment id, e.g. CartPole-v1")->required();
  cmd->add_option("--steps", args->options.total_steps, "Total environment steps")
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Random seed")->capture_default_str();
  cmd->add_option("--out", args->options.out_dir, "Run directory")->required();
  cmd->add_option("--param", args->params, "Hyperparameter key=value (repeatable)");
  cmd->add_flag("--resume", args->options.resume, "Continue the run in --out");
  cmd->add_option("--threads", args->options.threads, "Torch threads")->capture_default_str();
  cmd->add_option("--checkpoint-every", args->options.checkpoint_interval,
                  "Env steps between checkpoints (0 = at the end only)")
      ->capture_default_str();
  cmd->add_option("--log-every", args->options.log_interval,
                  "Env steps between metric rows and progress updates")
      ->capture_default_str();
  cmd->callback([args, exit_code] {
    rl::ParamMap params;
    if (!ParseParams(args->params, &params)) {
      *exit_code = 2;
      return;
    }
    Result<rl::AlgoConfig> config = rl::ParseAlgoConfig(args->algo, params);
    Result<env::EnvFactory> make_env =
        env::Registry::WithBuiltins().Factory(args->options.env_id);
    for (const Status* s : {&config.status(), &make_env.status()}) {
      if (s->ok()) continue;
      std::cerr << "error: " << s->ToString() << "\n";
      *exit_code = ExitCode(*s);
      return;
    }
    args->options.config = *config;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    rl::TrainingHooks hooks;
    hooks.on_progress = [tty](const rl::TrainingProgress& p) { ShowProgress(p, tty); };
    hooks.should_stop = [] { return g_interrupted.load(); };
    auto previous = std::signal(SIGINT, OnSigint);
    auto result = rl::Train(args->options, *make_env, hooks);
    std::signal(SIGINT, previous);
    if (tty) std::fprintf(stderr, "\n");
    if (!result.ok()) {
      std::cerr << "error: " << result.status().ToString() << "\n";
      *exit_code = ExitCode(result.status());
      return;
    }
    std::printf("%s after %lld steps (%lld episodes, %.0f steps/s); recent mean return %.2f\n",
                result->cancelled ? "stopped" : "finished",
                static_cast<long long>(result->steps), static_cast<long long>(result->episodes),
                result->steps_per_second, result->recent_mean_return);
    if (result->steps > args->options.total_steps) {
      // Training stops at the end of the iteration that reaches --steps.
      std::printf(
          "note: %lld steps is %lld more than --steps %lld: %s trains in whole "
          "iterations of %lld environment steps (ppo: n_steps x n_envs per "
          "update), and the last one finished past the target\n",
          static_cast<long long>(result->steps),
          static_cast<long long>(result->steps - args->options.total_steps),
          static_cast<long long>(args->options.total_steps),
          rl::AlgoName(args->options.config.algo),
          static_cast<long long>(result->steps_per_iteration));
    }
    std::printf("checkpoint: %s\npolicy: %s\n", result->checkpoint_path.c_str(),
                result->policy_path.c_str());
    WriteLearningCurve(args->options);
    *exit_code = 0;
  });
}

}  // namespace trainyard::cli
