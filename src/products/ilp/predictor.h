// POST predict-action and the agent half of POST inference: the pool state
// for (pool_id, date_str) — the imported prices up to that date replayed
// through the pool ("imported"), or, when none are imported, simulated from
// the pool's preset seeded by both ("synthetic") — fed to the cached DDPG
// and/or PPO policies (with the caller's position, for inference), whose
// actions are mapped to price and tick ranges exactly as UniswapV3LP-v0 maps
// them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "products/ilp/model_loader.h"
#include "products/ilp/pool_data.h"
#include "products/ilp/workspace.h"
#include "store/data_dir.h"

namespace trainyard::ilp {

// The caller's position (inference's pool_state), shown to the agents in
// place of the environment's "no position yet" observation.
struct HeldPosition {
  double current_profit_usd = 0.0;  // observation 9: profit / model budget
  double seconds_since_adjustment = 0.0;  // observation 8, in agent steps
  bool price_out_of_range = false;        // observation 7
  // The held range, if the caller gave it (observations 5 and 6: ln of each
  // bound over the pool price); without it both stay 0.
  std::optional<double> price_lower, price_upper;
};

struct PredictRequest {
  std::string pool_id;   // preset name or pool address
  std::string date_str;  // YYYY-MM-DD
  // The resolved model versions; at least one is set. An absent one is not
  // run (its action is absent from the result).
  std::optional<ModelPaths> ddpg, ppo;
  std::optional<HeldPosition> position;  // inference: the caller's position
  // A live pool's recent prices (read from a chain), used instead of
  // imported or synthetic data; `live_key` names that state (pool@block)
  // for the state cache.
  std::optional<PoolHistory> live;
  std::string live_key;
};

struct RangeAction {
  double price_lower = 0.0, price_upper = 0.0;
  int32_t tick_lower = 0, tick_upper = 0;
  float action0 = 0.0f, action1 = 0.0f;  // the policy's raw output
  // "place" (bound maps: always the range above); "recentre" models:
  // "keep" (keep what is held), "move" (place the range above) or "exit".
  std::string decision = "place";
};

struct PredictResult {
  std::optional<RangeAction> ddpg, ppo;  // set for the requested models
  double price = 0.0;  // pool price of the state the agents saw
  int32_t tick = 0;
  std::string data_source = "synthetic";  // or "imported", "chain"
  int64_t data_timestamp = 0;  // imported: time of the last price used
  // The observation the agents saw (after any HeldPosition), by name.
  std::vector<std::pair<std::string, float>> observation;
};

// VALIDATION_ERROR unless `date` is a calendar date YYYY-MM-DD.
Status ValidateDate(const std::string& date);

// Thread-safe; models and pool states are cached.
class Predictor {
 public:
  // Prices of history one prediction replays (warm-up blocks + the last).
  static constexpr size_t kHistoryPrices = 49;

  // `artifacts` holds imported pool data; not owned.
  explicit Predictor(store::ArtifactStore* artifacts) : artifacts_(artifacts) {}
  // Runs the requested models. VALIDATION_ERROR for an unknown pool or
  // when no model is requested; model errors as LoadModel.
  Result<PredictResult> Predict(const PredictRequest& request);
  const ModelCache& cache() const { return cache_; }

 private:
  struct State {
    std::unique_ptr<env::UniswapV3LpEnv> env;  // only const use after Reset
    std::vector<float> obs;
  };
  Result<std::shared_ptr<const State>> StateFor(
      const std::string& pool_id, const std::string& date,
      const ModelInfo& info, const std::optional<PoolHistory>& history,
      const std::string& source_key);
  Result<RangeAction> Run(const std::string& algo, const ModelPaths& paths,
                          const PredictRequest& request, PredictResult* out);

  store::ArtifactStore* artifacts_;
  ModelCache cache_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const State>> states_;
};

}  // namespace trainyard::ilp
