#include "env/normalize.h"

#include <cassert>
#include <cmath>
#include <utility>

namespace trainyard::env {

NormalizeObservation::NormalizeObservation(std::unique_ptr<Env> inner,
                                           std::shared_ptr<RunningMeanStd> rms,
                                           double epsilon)
    : Wrapper(std::move(inner)), rms_(std::move(rms)), epsilon_(epsilon) {
  const int64_t dim = inner_->observation_space().flat_size();
  if (rms_ == nullptr) rms_ = std::make_shared<RunningMeanStd>(dim);
  assert(rms_->dim() == dim);
}

void NormalizeObservation::Reset(std::optional<uint64_t> seed,
                                 std::span<float> obs, Info* info) {
  inner_->Reset(seed, obs, info);
  Normalize(obs);
}

StepResult NormalizeObservation::Step(std::span<const float> action,
                                      std::span<float> obs, Info* info) {
  StepResult result = inner_->Step(action, obs, info);
  Normalize(obs);
  return result;
}

void NormalizeObservation::Normalize(std::span<float> obs) {
  if (update_) rms_->Update(std::span<const float>(obs));
  const std::vector<double>& mean = rms_->mean();
  const std::vector<double>& var = rms_->var();
  for (size_t i = 0; i < obs.size(); ++i) {
    obs[i] =
        static_cast<float>((obs[i] - mean[i]) / std::sqrt(var[i] + epsilon_));
  }
}

NormalizeReward::NormalizeReward(std::unique_ptr<Env> inner, double gamma,
                                 std::shared_ptr<RunningMeanStd> rms,
                                 double epsilon)
    : Wrapper(std::move(inner)),
      rms_(std::move(rms)),
      gamma_(gamma),
      epsilon_(epsilon) {
  if (rms_ == nullptr) rms_ = std::make_shared<RunningMeanStd>(1);
  assert(rms_->dim() == 1);
}

StepResult NormalizeReward::Step(std::span<const float> action,
                                 std::span<float> obs, Info* info) {
  StepResult result = inner_->Step(action, obs, info);
  discounted_return_ =
      discounted_return_ * gamma_ * (result.terminated ? 0.0 : 1.0) +
      result.reward;
  if (update_) {
    const double g[1] = {discounted_return_};
    rms_->Update(std::span<const double>(g));
  }
  result.reward /= std::sqrt(rms_->var()[0] + epsilon_);
  return result;
}

}  // namespace trainyard::env
