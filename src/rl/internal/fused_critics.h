// The Q critics of DDPG, TD3 and SAC (one or two MLPs of [obs, action] ->
// value) and their target copies on the fused small-network path
// (fused_mlp.h, flat_params.h): the critic loss and its gradient, the
// clipped double-Q target, the gradient of Q with respect to the action
// (the actor loss's path through the critic), the Adam step and Polyak
// averaging, all on flat buffers that the torch modules view, so
// checkpoints and exported policies keep their format.
// INTERNAL to src/rl: includes torch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "rl/internal/flat_adam.h"
#include "rl/internal/flat_params.h"
#include "rl/internal/fused_mlp.h"
#include "rl/internal/task_thread.h"

namespace trainyard::rl::internal {

// Not thread-safe. The modules must outlive it.
class FusedCritics {
 public:
  // `critics` and `targets`: n >= 1 MLPs each (nets.h's Mlp, relu) of sizes
  // {in, hidden..., 1}, their parameters in registration order. With
  // `threads` >= 2 and two critics, the second critic's share of each call
  // runs on a helper thread; the critics share nothing, so the results are
  // the same bits as with one thread. REQUIRES: max_batch >= 1.
  FusedCritics(const std::vector<torch::nn::Module*>& critics,
               const std::vector<torch::nn::Module*>& targets,
               std::vector<int64_t> sizes, int64_t max_batch, int threads);

  int num_critics() const { return static_cast<int>(online_.size()); }
  int64_t in_size() const { return sizes_.front(); }

  // min_i Q_target_i(x) for x [b, in] (the clipped double-Q of TD3 and
  // SAC; Q_target_0 with one critic). Valid until the next call.
  // REQUIRES: 1 <= b <= max_batch.
  const float* TargetMin(const float* x, int64_t b);

  // sum_i mean_b (Q_i(x_b) - target_b)^2 (torch::mse_loss per critic,
  // added), and writes its gradient into grads().
  double LossGrad(const float* x, const float* target, int64_t b);

  // For the actor's loss coef * sum_b min_{i < n_used} Q_i(x_b): writes
  // d(loss)/d(x) [b, in] into d_x, with torch::min's gradient (halved at
  // ties). Returns the minimum values [b] (valid until the next call).
  // Leaves grads() alone. REQUIRES: 1 <= n_used <= num_critics().
  const float* MinValueInputGrad(const float* x, int64_t b, int n_used, float coef,
                                 float* d_x);

  // Clips grads() (when max_grad_norm > 0, over all critics together) and
  // takes an Adam step of the online critics.
  void Step(FlatAdam& adam, double lr, double max_grad_norm);
  // targets <- tau * critics + (1 - tau) * targets.
  void UpdateTargets(double tau);

  FlatParams& online() { return *online_params_; }
  FlatParams& target() { return *target_params_; }
  std::span<float> grads() { return grads_; }
  // Rebind() of both buffers, after a checkpoint replaced the storage.
  void Rebind();

 private:
  // Runs task(0) and task(1) (on the helper when there is one) for two
  // critics, task(0) for one.
  template <typename Task>
  void ForEach(int n, Task task);

  std::vector<int64_t> sizes_;
  int64_t per_critic_ = 0;  // parameters of one critic
  std::unique_ptr<FlatParams> online_params_, target_params_;
  std::vector<FusedMlp> online_, targets_;
  std::vector<float> grads_;
  std::vector<std::vector<float>> q_, d_q_, d_x_;  // per critic, [max_batch(*in)]
  std::vector<double> losses_;
  std::vector<float> min_;
  std::unique_ptr<TaskThread> helper_;
};

}  // namespace trainyard::rl::internal
