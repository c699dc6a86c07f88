// Adam and global gradient-norm clipping over one flat float buffer of
// parameters, with torch.optim.Adam's and clip_grad_norm_'s formulas, for
// the fused small-network path (fused_mlp.h) where calling torch per
// parameter tensor would cost more than the arithmetic. INTERNAL to src/rl.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace trainyard::rl::internal {

// Not thread-safe.
class FlatAdam {
 public:
  // REQUIRES: size >= 0, 0 <= beta1, beta2 < 1, eps > 0.
  explicit FlatAdam(int64_t size, double eps = 1e-8, double beta1 = 0.9,
                    double beta2 = 0.999);

  // One step of torch.optim.Adam (no weight decay, no amsgrad):
  //   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  t += 1
  //   p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
  // REQUIRES: params and grads have size() floats.
  void Step(std::span<float> params, std::span<const float> grads, double lr);

  int64_t size() const { return static_cast<int64_t>(exp_avg_.size()); }
  // Steps taken (torch's per-parameter "step" state).
  int64_t step() const { return step_; }
  // The moment estimates, for checkpoints.
  std::span<float> exp_avg() { return exp_avg_; }
  std::span<float> exp_avg_sq() { return exp_avg_sq_; }
  std::span<const float> exp_avg() const { return exp_avg_; }
  std::span<const float> exp_avg_sq() const { return exp_avg_sq_; }
  // Restores the state saved with step()/exp_avg()/exp_avg_sq().
  void set_step(int64_t step) { step_ = step; }

 private:
  double eps_, beta1_, beta2_;
  int64_t step_ = 0;
  std::vector<float> exp_avg_, exp_avg_sq_;
};

// torch::nn::utils::clip_grad_norm_ over the whole buffer: scales `grads`
// by max_norm / (norm + 1e-6) when that is below 1. Returns the 2-norm
// before clipping.
double ClipGradNormFlat(std::span<float> grads, double max_norm);

// dst <- tau * src + (1 - tau) * dst element-wise, as torch's
// dst.mul_(1 - tau).add_(src, tau) (Polyak averaging of target networks).
void PolyakAverage(const float* src, float* dst, size_t n, double tau);

}  // namespace trainyard::rl::internal
