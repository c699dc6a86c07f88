#include "rl/internal/actor_heads.h"

#include <algorithm>
#include <cmath>

namespace trainyard::rl::internal {
namespace {

constexpr float kHalfLog2Pi = 0.91893853320467274178f;
constexpr float kLog2 = 0.69314718055994530942f;

// torch::softplus with beta 1 and threshold 20.
float Softplus(float x) { return x > 20.0f ? x : std::log1p(std::exp(x)); }
// Its derivative as torch's softplus_backward computes it.
float SoftplusGrad(float x) {
  if (x > 20.0f) return 1.0f;
  const float z = std::exp(x);
  return z / (z + 1.0f);
}

}  // namespace

void SquashedGaussianSample(const float* out, const float* eps, int64_t b, int64_t d,
                            float* u, float* a, float* logp) {
  for (int64_t r = 0; r < b; ++r) {
    const float* mean = out + r * 2 * d;
    const float* raw = mean + d;
    float gauss = 0.0f, correction = 0.0f;
    for (int64_t j = 0; j < d; ++j) {
      const int64_t k = r * d + j;
      const float ls = std::clamp(raw[j], kSacLogStdMin, kSacLogStdMax);
      u[k] = mean[j] + std::exp(ls) * eps[k];
      a[k] = std::tanh(u[k]);
      const float z = (u[k] - mean[j]) * std::exp(-ls);
      gauss += -0.5f * z * z - ls - kHalfLog2Pi;
      correction += 2.0f * (kLog2 - u[k] - Softplus(-2.0f * u[k]));
    }
    logp[r] = gauss - correction;
  }
}

void SquashedGaussianBackward(const float* out, const float* eps, const float* u,
                              const float* a, const float* d_a, const float* d_logp,
                              int64_t b, int64_t d, float* d_out) {
  for (int64_t r = 0; r < b; ++r) {
    const float* mean = out + r * 2 * d;
    const float* raw = mean + d;
    float* g_mean = d_out + r * 2 * d;
    float* g_raw = g_mean + d;
    const float gl = d_logp[r];
    for (int64_t j = 0; j < d; ++j) {
      const int64_t k = r * d + j;
      const float ls = std::clamp(raw[j], kSacLogStdMin, kSacLogStdMax);
      // logp = sum_j (-0.5 z^2 - ls - log sqrt(2 pi)) - correction(u) with
      // z = (u - mean) exp(-ls) = eps whatever mean and ls are: the Gaussian
      // term depends on ls alone, and mean and ls reach everything else
      // through u = mean + exp(ls) eps. (torch's graph differentiates z
      // through u, mean and ls and the parts cancel; done explicitly, that
      // cancellation loses all precision when exp(-ls) is huge.)
      float g_u = -gl * 2.0f * (-1.0f + 2.0f * SoftplusGrad(-2.0f * u[k]));
      if (d_a != nullptr) g_u += d_a[k] * (1.0f - a[k] * a[k]);
      g_mean[j] = g_u;
      const float g_ls = -gl + g_u * eps[k] * std::exp(ls);
      const bool inside = raw[j] >= kSacLogStdMin && raw[j] <= kSacLogStdMax;
      g_raw[j] = inside ? g_ls : 0.0f;
    }
  }
}

void TanhForward(const float* out, int64_t n, float* a) {
  for (int64_t i = 0; i < n; ++i) a[i] = std::tanh(out[i]);
}

void TanhBackward(const float* a, const float* d_a, int64_t n, float* d_out) {
  for (int64_t i = 0; i < n; ++i) d_out[i] = d_a[i] * (1.0f - a[i] * a[i]);
}

void SmoothedTargetAction(const float* out, const float* z, int64_t n, float noise_std,
                          float noise_clip, float* a) {
  for (int64_t i = 0; i < n; ++i) {
    a[i] = std::tanh(out[i]);
    if (noise_std > 0.0f) {
      const float noise = std::clamp(z[i] * noise_std, -noise_clip, noise_clip);
      a[i] = std::clamp(a[i] + noise, -1.0f, 1.0f);
    }
  }
}

}  // namespace trainyard::rl::internal
