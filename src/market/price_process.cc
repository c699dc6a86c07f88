#include "market/price_process.h"

#include <cmath>
#include <utility>

namespace trainyard::market {
namespace {

Status Bad(const std::string& field, const std::string& message) {
  return ValidationError(field + " " + message, {{field, message}});
}

bool Positive(double v) { return v > 0.0 && std::isfinite(v); }
bool Probability(double v) { return v >= 0.0 && v <= 1.0; }

}  // namespace

Status ValidatePriceProcessConfig(const PriceProcessConfig& c) {
  if (c.kind == ProcessKind::kReplay) {
    if (c.replay_prices.size() < 2) {
      return Bad("replay_prices", "must hold at least 2 prices");
    }
    for (double p : c.replay_prices) {
      if (!Positive(p)) return Bad("replay_prices", "must all be positive");
    }
    return Status::Ok();
  }
  if (!Positive(c.initial_price)) return Bad("initial_price", "must be positive");
  if (!Positive(c.dt_years)) return Bad("dt_years", "must be positive");
  if (!(c.volatility >= 0.0) || !std::isfinite(c.volatility)) {
    return Bad("volatility", "must be non-negative");
  }
  if (!std::isfinite(c.drift)) return Bad("drift", "must be finite");
  if (c.kind == ProcessKind::kJumpDiffusion) {
    if (!(c.jump_intensity >= 0.0)) return Bad("jump_intensity", "must be non-negative");
    if (!(c.jump_stddev >= 0.0)) return Bad("jump_stddev", "must be non-negative");
  }
  if (c.kind == ProcessKind::kRegimeSwitching) {
    if (!(c.volatile_volatility >= 0.0)) {
      return Bad("volatile_volatility", "must be non-negative");
    }
    if (!Probability(c.calm_to_volatile)) return Bad("calm_to_volatile", "must be in [0, 1]");
    if (!Probability(c.volatile_to_calm)) return Bad("volatile_to_calm", "must be in [0, 1]");
  }
  return Status::Ok();
}

PriceProcess::PriceProcess(PriceProcessConfig config)
    : config_(std::move(config)) {
  Reset();
}

void PriceProcess::Reset() {
  volatile_ = false;
  replay_index_ = 0;
  price_ = config_.kind == ProcessKind::kReplay ? config_.replay_prices[0]
                                                : config_.initial_price;
}

bool PriceProcess::exhausted() const {
  return config_.kind == ProcessKind::kReplay &&
         replay_index_ + 1 >= config_.replay_prices.size();
}

double PriceProcess::DiffusionStep(Rng& rng, double sigma,
                                   double drift_adjust) const {
  const double dt = config_.dt_years;
  const double mu = config_.drift - drift_adjust;
  return (mu - 0.5 * sigma * sigma) * dt + sigma * std::sqrt(dt) * rng.Normal();
}

double PriceProcess::Step(Rng& rng) {
  switch (config_.kind) {
    case ProcessKind::kGbm:
      price_ *= std::exp(DiffusionStep(rng, config_.volatility, 0.0));
      break;
    case ProcessKind::kJumpDiffusion: {
      // Merton: compensate the drift so E[S_t] grows at `drift`.
      const double k = std::exp(config_.jump_mean +
                                0.5 * config_.jump_stddev * config_.jump_stddev) -
                       1.0;
      double log_return =
          DiffusionStep(rng, config_.volatility, config_.jump_intensity * k);
      const uint64_t jumps = rng.Poisson(config_.jump_intensity * config_.dt_years);
      for (uint64_t i = 0; i < jumps; ++i) {
        log_return += rng.Normal(config_.jump_mean, config_.jump_stddev);
      }
      price_ *= std::exp(log_return);
      break;
    }
    case ProcessKind::kRegimeSwitching: {
      const double switch_p =
          volatile_ ? config_.volatile_to_calm : config_.calm_to_volatile;
      if (rng.Uniform() < switch_p) volatile_ = !volatile_;
      const double sigma =
          volatile_ ? config_.volatile_volatility : config_.volatility;
      price_ *= std::exp(DiffusionStep(rng, sigma, 0.0));
      break;
    }
    case ProcessKind::kReplay:
      if (!exhausted()) ++replay_index_;
      price_ = config_.replay_prices[replay_index_];
      break;
  }
  return price_;
}

}  // namespace trainyard::market
