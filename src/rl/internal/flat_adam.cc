#include "rl/internal/flat_adam.h"

#include <cassert>
#include <cmath>

namespace trainyard::rl::internal {

FlatAdam::FlatAdam(int64_t size, double eps, double beta1, double beta2)
    : eps_(eps), beta1_(beta1), beta2_(beta2), exp_avg_(size), exp_avg_sq_(size) {}

void FlatAdam::Step(std::span<float> params, std::span<const float> grads,
                    double lr) {
  assert(params.size() == exp_avg_.size() && grads.size() == exp_avg_.size());
  ++step_;
  // The scalars as torch computes them (in double, then used as float).
  const double bias_correction1 = 1.0 - std::pow(beta1_, static_cast<double>(step_));
  const double bias_correction2 = 1.0 - std::pow(beta2_, static_cast<double>(step_));
  const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_);
  const float one_minus_b1 = static_cast<float>(1.0 - beta1_);
  const float one_minus_b2 = static_cast<float>(1.0 - beta2_);
  const float sqrt_bc2 = static_cast<float>(std::sqrt(bias_correction2));
  const float eps = static_cast<float>(eps_);
  const float step_size = static_cast<float>(lr / bias_correction1);
  float* m = exp_avg_.data();
  float* v = exp_avg_sq_.data();
  float* p = params.data();
  const float* g = grads.data();
  const size_t n = exp_avg_.size();
  for (size_t i = 0; i < n; ++i) {
    m[i] = m[i] * b1 + g[i] * one_minus_b1;
    v[i] = v[i] * b2 + g[i] * g[i] * one_minus_b2;
    p[i] -= step_size * (m[i] / (std::sqrt(v[i]) / sqrt_bc2 + eps));
  }
}

double ClipGradNormFlat(std::span<float> grads, double max_norm) {
  double sum_sq = 0.0;
  for (float g : grads) sum_sq += static_cast<double>(g) * g;
  const double norm = std::sqrt(sum_sq);
  const float coef = static_cast<float>(max_norm / (norm + 1e-6));
  if (coef < 1.0f) {
    for (float& g : grads) g *= coef;
  }
  return norm;
}

}  // namespace trainyard::rl::internal
