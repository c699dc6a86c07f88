#include "products/ilp/predictor.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "env/action_transform.h"
#include "market/presets.h"
#include "univ3/price.h"

namespace trainyard::ilp {
namespace {

constexpr size_t kMaxCachedStates = 256;
constexpr int kWarmupBlocks = Predictor::kHistoryPrices - 1;
constexpr double kSecondsPerYear = 365.0 * 24 * 3600;

// UniswapV3LpEnv's observation, in its order (uniswap_v3_lp.h).
constexpr const char* kObservationNames[env::UniswapV3LpEnv::kObservationSize] =
    {"log_price_change",
     "log_pool_liquidity_change",
     "log_volume_usd_over_10",
     "log_fee_flow_usd_over_10",
     "volatility_x100",
     "log_price_lower_over_price",
     "log_price_upper_over_price",
     "in_range",
     "steps_since_adjustment_over_100",
     "value_over_budget_minus_1",
     "has_position"};

// Writes the caller's position into `obs` as the environment would show a
// held position: in range as the caller says, the profit relative to the
// model's budget, the time since the last adjustment in agent steps.
void ShowPosition(const HeldPosition& h, const env::UniswapV3LpEnv& env,
                  const ModelInfo& info, std::vector<float>* obs) {
  const double p = env.price();
  const double block_seconds =
      env.market().config().process.dt_years * kSecondsPerYear;
  const double step_seconds = block_seconds * std::max(1, info.blocks_per_step);
  (*obs)[5] =
      h.price_lower ? static_cast<float>(std::log(*h.price_lower / p)) : 0.0f;
  (*obs)[6] =
      h.price_upper ? static_cast<float>(std::log(*h.price_upper / p)) : 0.0f;
  (*obs)[7] = h.price_out_of_range ? 0.0f : 1.0f;
  (*obs)[8] =
      static_cast<float>(h.seconds_since_adjustment / step_seconds / 100.0);
  (*obs)[9] = static_cast<float>(h.current_profit_usd / info.agent_budget_usd);
  (*obs)[10] = 1.0f;
}

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

Status ValidateDate(const std::string& date) {
  int y = 0, m = 0, d = 0;
  char extra = 0;
  const bool shape =
      date.size() == 10 && date[4] == '-' && date[7] == '-' &&
      std::sscanf(date.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool valid = shape && y >= 1970 && m >= 1 && m <= 12 && d >= 1 &&
                     d <= kDays[m - 1] + (m == 2 && IsLeap(y) ? 1 : 0);
  if (valid) return Status::Ok();
  return ValidationError("invalid date_str '" + date + "'",
                         {{"date_str", "must be a date YYYY-MM-DD"}});
}

Result<std::shared_ptr<const Predictor::State>> Predictor::StateFor(
    const std::string& pool_id, const std::string& date, const ModelInfo& info,
    const std::optional<PoolHistory>& history, const std::string& source_key) {
  const std::string key =
      pool_id + "|" + date + "|" + info.action_transform + "|" + source_key;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = states_.find(key);
  if (it != states_.end()) return it->second;
  env::UniswapV3LpConfig config;
  config.pools = {pool_id};
  config.agent_budget_usd = info.agent_budget_usd;
  config.warmup_blocks = kWarmupBlocks;
  if (history) {
    config.replay_prices = history->prices;
    if (config.replay_prices.size() < 2)  // the process needs two prices
      config.replay_prices.push_back(config.replay_prices.front());
    config.warmup_blocks = static_cast<int>(config.replay_prices.size()) - 1;
  }
  TY_RETURN_IF_ERROR(SetActionTransform(info.action_transform, &config));
  auto state = std::make_shared<State>();
  TY_ASSIGN_OR_RETURN(state->env, env::UniswapV3LpEnv::Create(config));
  state->obs.resize(env::UniswapV3LpEnv::kObservationSize);
  state->env->Reset(Fnv1a(pool_id + "|" + date), state->obs);
  if (states_.size() >= kMaxCachedStates) states_.clear();
  states_[key] = state;
  return std::shared_ptr<const State>(state);
}

Result<RangeAction> Predictor::Run(const std::string& algo,
                                   const ModelPaths& paths,
                                   const PredictRequest& req,
                                   PredictResult* out) {
  // The model's description decides the action map; load it first.
  TY_ASSIGN_OR_RETURN(ModelInfo info, cache_.Describe(paths.model_dir, algo,
                                                      paths.rel_model_dir));
  float action[2] = {0.0f, 0.0f};
  std::optional<PoolHistory> history;
  std::string source_key = "synthetic";
  if (req.live) {
    history = req.live;
    out->data_source = "chain";
    source_key = "chain:" + req.live_key;
  } else {
    TY_ASSIGN_OR_RETURN(history, LoadPoolHistory(*artifacts_, req.pool_id,
                                                 req.date_str, kHistoryPrices));
    if (history) {
      out->data_source = "imported";
      out->data_timestamp = history->last_timestamp;
      source_key = std::to_string(history->file_mtime_ns);
    }
  }
  TY_ASSIGN_OR_RETURN(
      std::shared_ptr<const State> state,
      StateFor(req.pool_id, req.date_str, info, history, source_key));
  std::vector<float> obs = state->obs;
  if (req.position) ShowPosition(*req.position, *state->env, info, &obs);
  out->observation.clear();
  for (size_t i = 0; i < obs.size(); ++i)
    out->observation.emplace_back(kObservationNames[i], obs[i]);
  TY_RETURN_IF_ERROR(cache_.Act(paths.model_dir, algo, paths.rel_model_dir, obs,
                                action, nullptr));
  const env::LpTarget t = state->env->MapAction(action);
  const market::PoolPreset& p = state->env->market().config().preset;
  RangeAction r;
  r.action0 = action[0];
  r.action1 = action[1];
  if (info.action_transform == kRecentreTransform) {
    const float a1 = action[1];  // NaN keeps, as in the environment
    r.decision = !(a1 >= env::kRecentreMoveFrom) ? "keep"
                 : a1 < env::kRecentreExitFrom   ? "move"
                                                 : "exit";
  }
  r.tick_lower = t.tick_lower;
  r.tick_upper = t.tick_upper;
  r.price_lower = univ3::TickToPrice(t.tick_lower, p.decimals0, p.decimals1);
  r.price_upper = univ3::TickToPrice(t.tick_upper, p.decimals0, p.decimals1);
  out->price = state->env->price();
  out->tick = state->env->market().pool().slot0().tick;
  return r;
}

Result<PredictResult> Predictor::Predict(const PredictRequest& req) {
  if (!market::FindPreset(req.pool_id).ok()) {
    return ValidationError("unknown pool_id '" + req.pool_id + "'",
                           {{"pool_id", "not a known pool"}});
  }
  TY_RETURN_IF_ERROR(ValidateDate(req.date_str));
  if (!req.ddpg && !req.ppo) {
    return ValidationError(
        "no agent to ask",
        {{"ppo_agent_path", "name a PPO or a DDPG model (or both)"}});
  }
  PredictResult out;
  if (req.ddpg) {
    TY_ASSIGN_OR_RETURN(out.ddpg, Run("ddpg", *req.ddpg, req, &out));
  }
  if (req.ppo) {
    TY_ASSIGN_OR_RETURN(out.ppo, Run("ppo", *req.ppo, req, &out));
  }
  return out;
}

}  // namespace trainyard::ilp
