#include "products/ilp/model_info.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "env/action_transform.h"
#include "products/ilp/workspace.h"

namespace trainyard::ilp {

using nlohmann::json;

namespace {

// The shortest text that reads back as exactly `v` ("0.0003", not
// "0.00029999999999999997").
std::string ShortestText(double v) {
  char buf[400];
  // Plain decimals where they stay short (to_chars' own choice writes
  // 3e-04); exponents for very small or large magnitudes.
  const double a = std::abs(v);
  const bool plain = a == 0.0 || (a >= 1e-6 && a < 1e15);
  const std::to_chars_result r =
      plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
            : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// A hyperparameter as a typed JSON value: integers and numbers as numbers,
// true/false as booleans, comma-separated layer sizes ("64,64") as an
// array of integers, anything else as the string it is.
json TypedParam(const std::string& text) {
  if (text == "true" || text == "false") return text == "true";
  int64_t i = 0;
  const char* end = text.data() + text.size();
  std::from_chars_result ri = std::from_chars(text.data(), end, i);
  if (!text.empty() && ri.ec == std::errc() && ri.ptr == end) return i;
  double d = 0.0;
  std::from_chars_result rd = std::from_chars(text.data(), end, d);
  if (!text.empty() && rd.ec == std::errc() && rd.ptr == end &&
      std::isfinite(d))
    return d;
  if (text.find(',') != std::string::npos) {
    json list = json::array();
    size_t start = 0;
    while (start <= text.size()) {
      const size_t comma = std::min(text.find(',', start), text.size());
      const std::string part = text.substr(start, comma - start);
      const char* pend = part.data() + part.size();
      std::from_chars_result rp = std::from_chars(part.data(), pend, i);
      if (part.empty() || rp.ec != std::errc() || rp.ptr != pend) return text;
      list.push_back(i);
      start = comma + 1;
    }
    return list;
  }
  return text;
}

// The rl layer's text for a typed value; older files stored every value as
// a string, which is taken as it is.
std::string ParamText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return ShortestText(v.get<double>());
  if (v.is_array()) {
    std::string out;
    for (const json& e : v) out += (out.empty() ? "" : ",") + ParamText(e);
    return out;
  }
  throw std::invalid_argument("params: unsupported value " + v.dump());
}

}  // namespace

std::string ParamValueText(double v) { return ShortestText(v); }

std::string ModelInfoToJson(const ModelInfo& i) {
  json params = json::object();
  for (const auto& [key, text] : i.params) params[key] = TypedParam(text);
  json j = {{"algo", i.algo},
            {"model_name", i.model_name},
            {"env_id", env::kUniswapV3LpId},
            {"agent_budget_usd", i.agent_budget_usd},
            {"action_transform", i.action_transform},
            {"use_running_statistics", i.use_running_statistics},
            {"pools", i.pools},
            {"blocks_per_step", i.blocks_per_step},
            {"market_data",
             i.market_data.empty() ? json(nullptr) : json(i.market_data)},
            {"max_steps", i.max_steps},
            {"n_episodes", i.n_episodes},
            {"seed", i.seed},
            {"params", params},
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
    if (j.contains("market_data") && j["market_data"].is_string())
      i.market_data = j["market_data"].get<std::string>();
    i.max_steps = j.value("max_steps", int64_t{0});
    i.n_episodes = j.value("n_episodes", int64_t{0});
    i.seed = j.value("seed", uint64_t{0});
    if (j.contains("params")) {
      for (const auto& [key, value] : j["params"].items())
        i.params[key] = ParamText(value);
    }
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
