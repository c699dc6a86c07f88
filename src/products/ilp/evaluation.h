// POST ddpg/evaluate and ppo/evaluate: run a trained agent and baseline
// strategies on the same market seeds of UniswapV3LP-v0, write
// eval_logs.csv (agent and baselines side by side, one row per step) and
// eval_plot.png, and summarise fee income, impermanent loss and gas.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/workspace.h"

namespace trainyard::ilp {

struct EvaluateRequest {
  std::string algo;        // "ddpg" or "ppo"
  std::string model_name;  // normalised name
  int64_t eval_steps = 1000;
  int64_t eval_episodes = 100;
  double percentage_range = 0.5;
  double agent_budget_usd = 10000.0;
  bool use_running_statistics = false;
  std::optional<std::string> action_transform;  // default: the model's
  std::vector<env::LpBaseline> baselines = {env::LpBaseline::kFixed};
  uint64_t seed = 0;  // episode i uses market seed seed + i
  // When set (>= 2 prices), every episode replays these prices (the
  // caller's chain market data) instead of the preset's price process.
  std::vector<double> replay_prices;
  // Called every kEvaluationProgressSteps steps and after each episode
  // with the steps done and the most there can be (eval_steps x
  // eval_episodes); an error stops the evaluation and is returned (a job's
  // JobStopped()). Unset: never called.
  std::function<Status(int64_t done, int64_t total)> progress;
};

inline constexpr int64_t kEvaluationProgressSteps = 1000;

// Per-episode means of one side (agent or a baseline), in USD.
struct SideSummary {
  double reward_usd = 0.0;  // fee income - impermanent loss - gas
  double fee_income_usd = 0.0;
  double impermanent_loss_usd = 0.0;
  double gas_usd = 0.0;
  double final_value_usd = 0.0;
  double steps = 0.0;
};

struct EvaluateResult {
  SideSummary agent;
  std::vector<std::pair<std::string, SideSummary>> baselines;
  std::string eval_logs_path;  // under paths.rel_csv_dir
  std::string plot_path;       // empty if no plot was drawn
  std::string action_transform;
  bool use_running_statistics = false;  // as the model was trained
};

// What an evaluation says about the agent, in words: whether it beats the
// baselines it ran against (on mean fee income - IL - gas per episode), and
// warnings for the ways a short or bad training shows (no position at all,
// gas above fee income, episodes ended at the value floor).
struct EvaluationVerdict {
  std::string verdict;
  bool beats_baselines = false;  // above every baseline asked for
  std::vector<std::string> warnings;
};
EvaluationVerdict JudgeEvaluation(const EvaluateResult& result,
                                  int64_t eval_steps);

// Loads the model in paths.model_dir (NOT_FOUND / VALIDATION_ERROR as
// LoadModel), runs the episodes and writes the files into paths.csv_dir
// (answering with paths under paths.rel_csv_dir). IO_ERROR if the logs
// cannot be written. request.model_name is not used to find files.
Result<EvaluateResult> RunEvaluation(const ModelPaths& paths,
                                     const EvaluateRequest& request);

}  // namespace trainyard::ilp
