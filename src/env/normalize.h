// Observation and reward normalisation wrappers with running statistics,
// ports of Gymnasium 1.x NormalizeObservation and NormalizeReward. This is
// the ILP API's `use_running_statistics`: statistics are updated while
// training, saved with the model, and frozen (set_update_running_mean(false))
// for evaluation. Several copies of an env (a VectorEnv) may share one
// RunningMeanStd so a single set of statistics describes the whole run.
#pragma once

#include <memory>
#include <vector>

#include "env/running_mean_std.h"
#include "env/wrapper.h"

namespace trainyard::env {

// obs' = float32((obs - mean) / sqrt(var + epsilon)) on Reset and Step,
// after first merging obs into the statistics (unless frozen).
// REQUIRES: the inner observation space is a Box.
class NormalizeObservation : public Wrapper {
 public:
  static constexpr double kDefaultEpsilon = 1e-8;

  // `rms` may be shared between copies; null creates a private one.
  // REQUIRES: rms (if given) has dim == observation flat size.
  explicit NormalizeObservation(std::unique_ptr<Env> inner,
                                std::shared_ptr<RunningMeanStd> rms = nullptr,
                                double epsilon = kDefaultEpsilon);

  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  // Freeze (false) or continue (true, the default) updating the statistics.
  void set_update_running_mean(bool update) { update_ = update; }
  bool update_running_mean() const { return update_; }
  const std::shared_ptr<RunningMeanStd>& rms() const { return rms_; }

 private:
  void Normalize(std::span<float> obs);

  std::shared_ptr<RunningMeanStd> rms_;
  double epsilon_;
  bool update_ = true;
};

// Scales rewards so their discounted sum has roughly unit variance:
//   G <- G * gamma * (1 - terminated) + reward   (G starts at 0)
//   merge G into the statistics (unless frozen)
//   reward' = reward / sqrt(var + epsilon)
// As in Gymnasium, G is zeroed only by termination (not by truncation or
// Reset) and the mean is not subtracted.
class NormalizeReward : public Wrapper {
 public:
  static constexpr double kDefaultGamma = 0.99;
  static constexpr double kDefaultEpsilon = 1e-8;

  // `rms` (dim 1) may be shared between copies; null creates a private one.
  explicit NormalizeReward(std::unique_ptr<Env> inner,
                           double gamma = kDefaultGamma,
                           std::shared_ptr<RunningMeanStd> rms = nullptr,
                           double epsilon = kDefaultEpsilon);

  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  void set_update_running_mean(bool update) { update_ = update; }
  bool update_running_mean() const { return update_; }
  const std::shared_ptr<RunningMeanStd>& rms() const { return rms_; }
  // The running discounted return G.
  double discounted_return() const { return discounted_return_; }

 private:
  std::shared_ptr<RunningMeanStd> rms_;
  double gamma_;
  double epsilon_;
  double discounted_return_ = 0.0;
  bool update_ = true;
};

}  // namespace trainyard::env
