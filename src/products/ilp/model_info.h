// ilp_model.json: what a trained ILP model was trained with (algorithm,
// environment settings, hyperparameters), written beside policy.tyrl so
// evaluation and inference rebuild the same environment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "rl/params.h"

namespace trainyard::ilp {

struct ModelInfo {
  std::string algo;  // "ddpg" or "ppo"
  std::string model_name;
  double agent_budget_usd = 10000.0;
  std::string action_transform = "linear";
  bool use_running_statistics = false;
  std::vector<std::string> pools = {env::kDefaultLpPool};
  int blocks_per_step = 1;  // market blocks between two agent decisions
  // The owner's chain market data the model was trained on (its prices
  // replace the preset's price process); empty: synthetic prices.
  std::string market_data;
  int64_t max_steps = 0;  // episode length
  int64_t n_episodes = 0;
  uint64_t seed = 0;
  rl::ParamMap params;  // rl's names; the job parses them for rl::Train
  // Filled when training finishes.
  int64_t trained_steps = 0;
  int64_t episodes = 0;
  double recent_mean_return = 0.0;
};

// `params` are written typed (numbers as numbers, "true"/"false" as
// booleans, layer sizes "64,64" as [64, 64]).
std::string ModelInfoToJson(const ModelInfo& info);
// VALIDATION_ERROR if the text is not a ModelInfo document. Reads typed
// params and the all-string params of files written before they were typed.
Result<ModelInfo> ModelInfoFromJson(const std::string& text);
// A number as a ParamMap value: the shortest text that reads back as `v`.
std::string ParamValueText(double v);
// Reads <model_dir>/ilp_model.json; NOT_FOUND if absent.
Result<ModelInfo> ReadModelInfo(const std::string& model_dir);

// The action_transform values the API accepts: the environment's two bound
// maps and "recentre" (LpActionMode::kRecentre: width + keep/move).
inline constexpr const char* kRecentreTransform = "recentre";
std::vector<std::string> ActionTransformNames();
// Sets config->action_transform / action_mode from one of those names;
// VALIDATION_ERROR on field "action_transform" otherwise.
Status SetActionTransform(const std::string& name,
                          env::UniswapV3LpConfig* config);

// The environment configuration a model was trained with (episode length
// max_steps). VALIDATION_ERROR for an unusable description.
Result<env::UniswapV3LpConfig> EnvConfigFor(const ModelInfo& info);

}  // namespace trainyard::ilp
