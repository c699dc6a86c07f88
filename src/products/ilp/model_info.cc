#include "products/ilp/model_info.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "env/action_transform.h"
#include "products/ilp/workspace.h"

namespace trainyard::ilp {

using nlohmann::json;

std::string ModelInfoToJson(const ModelInfo& i) {
  json j = {{"algo", i.algo},
            {"model_name", i.model_name},
            {"env_id", env::kUniswapV3LpId},
            {"agent_budget_usd", i.agent_budget_usd},
            {"action_transform", i.action_transform},
            {"use_running_statistics", i.use_running_statistics},
            {"pools", i.pools},
            {"blocks_per_step", i.blocks_per_step},
            {"max_steps", i.max_steps},
            {"n_episodes", i.n_episodes},
            {"seed", i.seed},
            {"params", i.params},
            {"trained_steps", i.trained_steps},
            {"episodes", i.episodes},
            {"recent_mean_return", std::isfinite(i.recent_mean_return)
                                       ? json(i.recent_mean_return)
                                       : json(nullptr)}};
  return j.dump(2);
}

Result<ModelInfo> ModelInfoFromJson(const std::string& text) {
  try {
    json j = json::parse(text);
    ModelInfo i;
    i.algo = j.at("algo").get<std::string>();
    i.model_name = j.value("model_name", "");
    i.agent_budget_usd = j.value("agent_budget_usd", 10000.0);
    i.action_transform = j.value("action_transform", "linear");
    i.use_running_statistics = j.value("use_running_statistics", false);
    i.pools = j.value("pools", std::vector<std::string>{env::kDefaultLpPool});
    i.blocks_per_step = j.value("blocks_per_step", 1);
    i.max_steps = j.value("max_steps", int64_t{0});
    i.n_episodes = j.value("n_episodes", int64_t{0});
    i.seed = j.value("seed", uint64_t{0});
    i.params = j.value("params", rl::ParamMap{});
    i.trained_steps = j.value("trained_steps", int64_t{0});
    i.episodes = j.value("episodes", int64_t{0});
    if (j.contains("recent_mean_return") && j["recent_mean_return"].is_number())
      i.recent_mean_return = j["recent_mean_return"].get<double>();
    return i;
  } catch (const std::exception& e) {
    return ValidationError(std::string("invalid model description: ") +
                           e.what());
  }
}

Result<ModelInfo> ReadModelInfo(const std::string& model_dir) {
  std::ifstream in(model_dir + "/" + kModelInfoFile);
  if (!in) return NotFoundError("model description not found");
  std::stringstream text;
  text << in.rdbuf();
  return ModelInfoFromJson(text.str());
}

std::vector<std::string> ActionTransformNames() {
  return {"linear", "non-linear", kRecentreTransform};
}

Status SetActionTransform(const std::string& name,
                          env::UniswapV3LpConfig* config) {
  if (name == kRecentreTransform) {
    config->action_mode = env::LpActionMode::kRecentre;
    return Status::Ok();
  }
  Result<env::ActionTransformMode> mode = env::ParseActionTransformMode(name);
  if (!mode.ok()) {
    return ValidationError(
        "invalid action_transform",
        {{"action_transform", "must be one of linear, non-linear, recentre"}});
  }
  config->action_mode = env::LpActionMode::kBounds;
  config->action_transform = *mode;
  return Status::Ok();
}

Result<env::UniswapV3LpConfig> EnvConfigFor(const ModelInfo& info) {
  env::UniswapV3LpConfig c;
  c.pools = info.pools;
  c.agent_budget_usd = info.agent_budget_usd;
  c.max_steps = static_cast<int>(info.max_steps);
  c.blocks_per_step = info.blocks_per_step;
  TY_RETURN_IF_ERROR(SetActionTransform(info.action_transform, &c));
  TY_RETURN_IF_ERROR(c.Validate());
  return c;
}

}  // namespace trainyard::ilp
