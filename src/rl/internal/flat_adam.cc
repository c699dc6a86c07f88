#include "rl/internal/flat_adam.h"

#include <cassert>
#include <cmath>

#include "rl/internal/multiversion.h"

namespace trainyard::rl::internal {
namespace {

struct AdamScalars {
  float b1, b2, one_minus_b1, one_minus_b2, sqrt_bc2, eps, step_size;
};

TY_MULTIVERSION void AdamUpdate(float* p, const float* g, float* m, float* v, size_t n,
                                AdamScalars s) {
  for (size_t i = 0; i < n; ++i) {
    m[i] = m[i] * s.b1 + g[i] * s.one_minus_b1;
    v[i] = v[i] * s.b2 + g[i] * g[i] * s.one_minus_b2;
    p[i] -= s.step_size * (m[i] / (std::sqrt(v[i]) / s.sqrt_bc2 + s.eps));
  }
}

// In 8 independent partial sums, so that it vectorises without reordering
// a single floating-point sum.
TY_MULTIVERSION double SumOfSquares(const float* g, size_t n) {
  constexpr size_t kParts = 8;
  double part[kParts] = {};
  size_t i = 0;
  for (; i + kParts <= n; i += kParts) {
    for (size_t j = 0; j < kParts; ++j) {
      part[j] += static_cast<double>(g[i + j]) * g[i + j];
    }
  }
  double sum = 0.0;
  for (; i < n; ++i) sum += static_cast<double>(g[i]) * g[i];
  for (double p : part) sum += p;
  return sum;
}

TY_MULTIVERSION void Polyak(const float* src, float* dst, size_t n, float keep,
                           float tau) {
  for (size_t i = 0; i < n; ++i) dst[i] = dst[i] * keep + tau * src[i];
}

}  // namespace

FlatAdam::FlatAdam(int64_t size, double eps, double beta1, double beta2)
    : eps_(eps), beta1_(beta1), beta2_(beta2), exp_avg_(size), exp_avg_sq_(size) {}

void FlatAdam::Step(std::span<float> params, std::span<const float> grads,
                    double lr) {
  assert(params.size() == exp_avg_.size() && grads.size() == exp_avg_.size());
  ++step_;
  // The scalars as torch computes them (in double, then used as float).
  const double bias_correction1 = 1.0 - std::pow(beta1_, static_cast<double>(step_));
  const double bias_correction2 = 1.0 - std::pow(beta2_, static_cast<double>(step_));
  const AdamScalars s = {static_cast<float>(beta1_),
                         static_cast<float>(beta2_),
                         static_cast<float>(1.0 - beta1_),
                         static_cast<float>(1.0 - beta2_),
                         static_cast<float>(std::sqrt(bias_correction2)),
                         static_cast<float>(eps_),
                         static_cast<float>(lr / bias_correction1)};
  AdamUpdate(params.data(), grads.data(), exp_avg_.data(), exp_avg_sq_.data(),
             exp_avg_.size(), s);
}

double ClipGradNormFlat(std::span<float> grads, double max_norm) {
  const double norm = std::sqrt(SumOfSquares(grads.data(), grads.size()));
  const float coef = static_cast<float>(max_norm / (norm + 1e-6));
  if (coef < 1.0f) {
    for (float& g : grads) g *= coef;
  }
  return norm;
}

void PolyakAverage(const float* src, float* dst, size_t n, double tau) {
  Polyak(src, dst, n, static_cast<float>(1.0 - tau), static_cast<float>(tau));
}

}  // namespace trainyard::rl::internal
