#include "rl/internal/fused_critics.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace trainyard::rl::internal {
namespace {

std::vector<torch::Tensor> ParamsOf(const std::vector<torch::nn::Module*>& modules) {
  std::vector<torch::Tensor> out;
  for (torch::nn::Module* m : modules) {
    for (auto& p : m->parameters()) out.push_back(p);
  }
  return out;
}

}  // namespace

FusedCritics::FusedCritics(const std::vector<torch::nn::Module*>& critics,
                           const std::vector<torch::nn::Module*>& targets,
                           std::vector<int64_t> sizes, int64_t max_batch, int threads)
    : sizes_(std::move(sizes)) {
  assert(!critics.empty() && critics.size() == targets.size() && sizes_.back() == 1);
  const size_t n = critics.size();
  for (size_t i = 0; i < n; ++i) {
    online_.emplace_back(sizes_, /*tanh=*/false, max_batch);
    targets_.emplace_back(sizes_, /*tanh=*/false, max_batch);
    q_.emplace_back(max_batch);
    d_q_.emplace_back(max_batch);
    d_x_.emplace_back(max_batch * sizes_.front());
  }
  per_critic_ = online_[0].num_params();
  online_params_ = std::make_unique<FlatParams>(ParamsOf(critics));
  target_params_ = std::make_unique<FlatParams>(ParamsOf(targets));
  assert(online_params_->size() == static_cast<size_t>(per_critic_) * n);
  grads_.assign(online_params_->size(), 0.0f);
  losses_.assign(n, 0.0);
  min_.resize(max_batch);
  if (threads >= 2 && n >= 2) helper_ = std::make_unique<TaskThread>();
}

void FusedCritics::Rebind() {
  online_params_->Rebind();
  target_params_->Rebind();
}

template <typename Task>
void FusedCritics::ForEach(int n, Task task) {
  if (n >= 2 && helper_) {
    helper_->Start([&task] { task(1); });
    task(0);
    helper_->Wait();
    return;
  }
  for (int i = 0; i < n; ++i) task(i);
}

// d(min(q0, q1))/d(q0) as torch::min's backward: 1 where q0 < q1, 0 where
// q0 > q1, 1/2 at ties (and symmetrically for q1).
static float MinShare(float self, float other) {
  return self < other ? 1.0f : self > other ? 0.0f : 0.5f;
}

const float* FusedCritics::TargetMin(const float* x, int64_t b) {
  const int n = num_critics();
  const float* params = target_params_->values();
  const uint64_t version = target_params_->version();
  const float* q[2] = {nullptr, nullptr};
  ForEach(n, [&](int i) {
    q[i] = targets_[i].Forward(params + i * per_critic_, x, b, version);
  });
  if (n == 1) return q[0];
  for (int64_t r = 0; r < b; ++r) min_[r] = std::min(q[0][r], q[1][r]);
  return min_.data();
}

double FusedCritics::LossGrad(const float* x, const float* target, int64_t b) {
  const float* params = online_params_->values();
  const uint64_t version = online_params_->version();
  const float scale = 2.0f / static_cast<float>(b);
  ForEach(num_critics(), [&](int i) {
    const float* q = online_[i].Forward(params + i * per_critic_, x, b, version);
    double sum = 0.0;
    float* d = d_q_[i].data();
    for (int64_t r = 0; r < b; ++r) {
      const float err = q[r] - target[r];
      sum += static_cast<double>(err) * err;
      d[r] = scale * err;
    }
    losses_[i] = sum / static_cast<double>(b);
    online_[i].Backward(params + i * per_critic_, d, grads_.data() + i * per_critic_);
  });
  double loss = 0.0;
  for (int i = 0; i < num_critics(); ++i) loss += losses_[i];
  return loss;
}

const float* FusedCritics::MinValueInputGrad(const float* x, int64_t b, int n_used,
                                             float coef, float* d_x) {
  assert(n_used >= 1 && n_used <= num_critics());
  const float* params = online_params_->values();
  const uint64_t version = online_params_->version();
  const int64_t in = sizes_.front();
  const float* q[2] = {nullptr, nullptr};
  // Forwards first: the shares of the min's gradient need both values.
  ForEach(n_used, [&](int i) {
    q[i] = online_[i].Forward(params + i * per_critic_, x, b, version);
  });
  if (n_used == 1) {
    std::fill_n(d_q_[0].begin(), b, coef);
    std::copy_n(q[0], b, min_.begin());
    online_[0].Backward(params, d_q_[0].data(), nullptr, d_x);
    return min_.data();
  }
  for (int64_t r = 0; r < b; ++r) {
    min_[r] = std::min(q[0][r], q[1][r]);
    d_q_[0][r] = coef * MinShare(q[0][r], q[1][r]);
    d_q_[1][r] = coef * MinShare(q[1][r], q[0][r]);
  }
  ForEach(2, [&](int i) {
    online_[i].Backward(params + i * per_critic_, d_q_[i].data(), nullptr,
                        d_x_[i].data());
  });
  for (int64_t k = 0; k < b * in; ++k) d_x[k] = d_x_[0][k] + d_x_[1][k];
  return min_.data();
}

void FusedCritics::Step(FlatAdam& adam, double lr, double max_grad_norm) {
  if (max_grad_norm > 0) ClipGradNormFlat(grads_, max_grad_norm);
  adam.Step(online_params_->mutable_values(), grads_, lr);
}

void FusedCritics::UpdateTargets(double tau) { PolyakFlat(*online_params_, *target_params_, tau); }

}  // namespace trainyard::rl::internal
