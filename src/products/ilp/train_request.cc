#include "products/ilp/train_request.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/body_schema.h"
#include "env/uniswap_v3_lp/baselines.h"
#include "products/ilp/route_support.h"
#include "products/ilp/workspace.h"
#include "rl/algo_config.h"
#include "rl/param_spec.h"

namespace trainyard::ilp {
namespace {

using api::SchemaReader;
using nlohmann::json;

constexpr int64_t kMaxTotalSteps = 100'000'000;
constexpr int64_t kMaxBlocksPerStep = 10000;

std::string Text(double v) { return ParamValueText(v); }

// Reads "pools" (an optional array of preset names or addresses).
std::vector<std::string> ReadPools(SchemaReader* v) {
  std::optional<std::vector<std::string>> pools = v->Strings("pools");
  if (!pools) return {env::kDefaultLpPool};
  for (const std::string& p : *pools) {
    // The preset's own message names the nearest pool and every known one.
    if (Result<market::PoolPreset> preset = market::FindPreset(p);
        !preset.ok()) {
      v->AddError("pools", preset.status().message());
      return {env::kDefaultLpPool};
    }
  }
  return *pools;
}

// The body keys that are the algorithm's hyperparameters (the rest are the
// product's). "buffer_size" and "alpha" are rl's aliases of PPO's n_steps
// and learning_rate.
const std::vector<std::string>& HyperparameterKeys(bool ppo) {
  static const std::vector<std::string> kPpo = {
      "alpha",         "gamma",    "batch_size",  "hidden",
      "buffer_size",   "n_epochs", "gae_lambda",  "policy_clip",
      "max_grad_norm", "policy",   "log_std_init"};
  static const std::vector<std::string> kDdpg = {
      "alpha", "beta", "tau", "gamma", "batch_size", "buffer_size", "hidden"};
  return ppo ? kPpo : kDdpg;
}

// What the document says of each hyperparameter the body passes on; its
// type, range and default are rl's (ParamJsonSchema).
constexpr std::pair<const char*, const char*> kHyperparameterText[] = {
    {"alpha", "learning rate (DDPG: the actor's)"},
    {"beta", "the critic's learning rate"},
    {"tau", "target network update rate"},
    {"gamma", "discount"},
    {"batch_size", "minibatch size (PPO: default min(64, buffer_size))"},
    {"buffer_size",
     "PPO: steps per rollout (default min(2048, total steps)); DDPG: replay "
     "buffer size (default the run's total steps, at most 1e6)"},
    {"hidden", "hidden-layer sizes of the actor and critic"},
    {"n_epochs", "passes over each rollout"},
    {"gae_lambda", "GAE lambda"},
    {"policy_clip", "clip range of the surrogate objective"},
    {"max_grad_norm", "gradient clipping norm"},
    {"policy", "the network"},
    {"log_std_init", "initial log standard deviation of the policy"},
};

// The body of POST {algo}/train/: the ILP's own members, then the
// algorithm's hyperparameters as rl describes them (AnyField: rl's parser
// checks them, ReadHyperparameters below).
std::shared_ptr<const api::BodySchema> MakeTrainBody(rl::Algo algo) {
  using namespace api;  // NOLINT: the field builders
  const bool ppo = algo == rl::Algo::kPpo;
  std::vector<Field> f = {
      Required(
          StringField("model_name", 300,
                      "the model's name (or model_storage/<algo>/<name>)")),
      IntField("max_steps", 1, 1'000'000,
               "environment steps per episode (default 10000)"),
      IntField("n_episodes", 1, 1'000'000, "episodes (default 100)"),
      NumberField("agent_budget_usd", kTiny, kMaxBudget,
                  "the agent's capital in USD (default 10000)"),
      BoolField("use_running_statistics",
                "normalise observations with running statistics (default "
                "false)"),
      EnumField("action_transform", ActionTransformNames(),
                "how actions map to ranges (default recentre)"),
      IntField("blocks_per_step", 1, kMaxBlocksPerStep,
               "pool blocks per environment step (default 1)"),
      ArrayField("pools", StringField("", 128, ""), 1, 64,
                 "preset pool names or addresses (default: the default pool)"),
      IntField("seed", 0, int64_t{1} << 53, "random seed (default 0)"),
      StringField("market_data", 64,
                  "the caller's imported market data set (default: the "
                  "built-in pool history)"),
  };
  if (!ppo) f.push_back(BoolField("training", "must be true (this trains)"));
  const std::vector<rl::ParamSpec> specs = rl::DescribeParams(algo);
  for (const std::string& key : HyperparameterKeys(ppo)) {
    nlohmann::json schema = rl::ParamJsonSchema(*rl::FindParam(specs, key));
    // Where ReadHyperparameters fills in a default of the ILP's own, the
    // text gives it instead of rl's.
    if (key == "buffer_size" || (ppo && key == "batch_size"))
      schema.erase("default");
    std::string text;
    for (const auto& [k, t] : kHyperparameterText) {
      if (key == k) text = t;
    }
    f.push_back(AnyField(key, std::move(schema), text));
  }
  return std::make_shared<BodySchema>(std::move(f));
}

// Reads the algorithm's hyperparameters of `body` with rl's parser, after
// the ILP's defaults where rl's do not fit a run of `total` steps; rl's
// errors are added to `v` under the body's keys. The value is unusable when
// `v` has errors.
Result<rl::AlgoConfig> ReadHyperparameters(rl::Algo algo, const json& body,
                                           int64_t total,
                                           bool use_running_statistics,
                                           SchemaReader* v) {
  const bool ppo = algo == rl::Algo::kPpo;
  json given = json::object();
  for (const std::string& key : HyperparameterKeys(ppo)) {
    // Absent, or null (refused by the declaration).
    if (!body.contains(key) || body[key].is_null()) continue;
    const json& value = body[key];
    // JSON types as the document gives them; values and ranges are rl's.
    const bool typed = key == "hidden"   ? value.is_array()
                       : key == "policy" ? value.is_string()
                                         : value.is_number();
    if (!typed) {
      v->AddError(key, key == "hidden"   ? "must be an array of layer sizes"
                       : key == "policy" ? "must be a string"
                                         : "must be a number");
      continue;
    }
    given[key] = value;
  }
  Result<rl::ParamMap> read = rl::ParamsFromJson(given);
  if (!read.ok()) {  // a list that is not of integers
    for (const FieldError& e : read.status().details())
      v->AddError(e.field, e.message);
    return read.status();
  }
  rl::ParamMap p = std::move(*read);
  p["use_running_statistics"] = use_running_statistics ? "true" : "false";
  if (ppo) {
    // PPO trains whole rollouts: a default rollout longer than the run
    // would train past the requested steps; the minibatch cannot exceed one
    // rollout.
    int64_t buffer = std::min<int64_t>(2048, total);
    if (!p.count("buffer_size"))
      p["buffer_size"] = std::to_string(buffer);
    else if (body["buffer_size"].is_number_integer())
      buffer = body["buffer_size"].get<int64_t>();
    if (!p.count("batch_size"))
      p["batch_size"] = std::to_string(std::clamp<int64_t>(buffer, 1, 64));
  } else if (!p.count("buffer_size")) {
    // The replay buffer never needs more room than the run has steps.
    p["buffer_size"] = std::to_string(std::clamp<int64_t>(total, 1, 1'000'000));
  }
  Result<rl::AlgoConfig> config = rl::ParseAlgoConfig(algo, p);
  for (const FieldError& e : config.status().details())
    v->AddError(e.field, e.message);
  return config;
}

// The hyperparameters as ilp_model.json stores them and the job reads them
// into rl::Train's config: every one the document lists (hidden and DDPG's
// gamma only when given), with the values rl read.
rl::ParamMap StoredParams(const rl::AlgoConfig& config, const json& body) {
  rl::ParamMap p;
  auto layers = [](const std::vector<int64_t>& hidden) {
    std::string text;
    for (int64_t h : hidden)
      text += (text.empty() ? "" : ",") + std::to_string(h);
    return text;
  };
  if (const auto* c = std::get_if<rl::PpoConfig>(&config.params)) {
    p["use_running_statistics"] = c->use_running_statistics ? "true" : "false";
    if (body.contains("hidden")) p["hidden"] = layers(c->hidden);
    p["buffer_size"] = std::to_string(c->n_steps);
    p["n_epochs"] = std::to_string(c->n_epochs);
    p["gamma"] = Text(c->gamma);
    p["alpha"] = Text(c->learning_rate);
    p["gae_lambda"] = Text(c->gae_lambda);
    p["policy_clip"] = Text(c->policy_clip);
    p["max_grad_norm"] = Text(c->max_grad_norm);
    p["batch_size"] = std::to_string(c->batch_size);
    p["policy"] = c->policy;
    p["log_std_init"] = Text(c->log_std_init);
  } else if (const auto* c = std::get_if<rl::OffPolicyConfig>(&config.params)) {
    p["use_running_statistics"] = c->use_running_statistics ? "true" : "false";
    if (body.contains("hidden")) p["hidden"] = layers(c->hidden);
    p["alpha"] = Text(c->actor_lr);
    p["beta"] = Text(c->critic_lr);
    p["tau"] = Text(c->tau);
    p["batch_size"] = std::to_string(c->batch_size);
    if (body.contains("gamma")) p["gamma"] = Text(c->gamma);
    p["buffer_size"] = std::to_string(c->buffer_size);
  }
  return p;
}

}  // namespace

const std::shared_ptr<const api::BodySchema>& TrainRequestBody(
    const std::string& algo) {
  static const auto* ppo =
      new std::shared_ptr<const api::BodySchema>(MakeTrainBody(rl::Algo::kPpo));
  static const auto* ddpg = new std::shared_ptr<const api::BodySchema>(
      MakeTrainBody(rl::Algo::kDdpg));
  return algo == "ppo" ? *ppo : *ddpg;
}

Result<TrainJobSpec> ParseTrainRequest(const std::string& algo,
                                       const json& body) {
  const bool ppo = algo == "ppo";
  SchemaReader v(*TrainRequestBody(algo), body);

  TrainJobSpec spec;
  ModelInfo& m = spec.model;
  m.algo = algo;
  m.max_steps = v.Int("max_steps").value_or(10000);
  m.n_episodes = v.Int("n_episodes").value_or(100);
  std::optional<std::string> name = v.String("model_name");
  m.agent_budget_usd = v.Number("agent_budget_usd").value_or(10000.0);
  m.use_running_statistics = v.Bool("use_running_statistics").value_or(false);
  // recentre by default: it can keep a range at no gas, where the bound
  // maps re-place it (paying gas) whenever the asked-for bounds move.
  m.action_transform = v.Enum("action_transform").value_or(kRecentreTransform);
  m.blocks_per_step = static_cast<int>(v.Int("blocks_per_step").value_or(1));
  m.pools = ReadPools(&v);
  m.market_data = v.String("market_data").value_or("");
  m.seed = static_cast<uint64_t>(v.Int("seed").value_or(0));
  const int64_t total = m.max_steps * m.n_episodes;
  if (!ppo) {
    std::optional<bool> training = v.Bool("training");
    if (training && !*training)
      v.AddError("training", "must be true: this endpoint trains");
  }
  TY_ASSIGN_OR_RETURN(rl::Algo a, rl::ParseAlgo(algo));
  Result<rl::AlgoConfig> config =
      ReadHyperparameters(a, body, total, m.use_running_statistics, &v);
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
  TY_RETURN_IF_ERROR(config.status());
  m.params = StoredParams(*config, body);
  return spec;
}

}  // namespace trainyard::ilp
