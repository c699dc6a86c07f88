// The MLP actor-critic of actor_critic.h on the fused path (fused_mlp.h,
// flat_adam.h): the module's parameters move into one flat float buffer
// that its tensors view, so checkpoints, ExportPolicy and LoadPolicy keep
// using the torch module unchanged, while rollouts and PPO's minibatch loss
// and gradient run in plain C++ on the same memory. At PPO's usual sizes
// (64x64 networks, a few hundred rows) this is an order of magnitude faster
// than libtorch, whose per-operator dispatch dominates there.
// INTERNAL to src/rl: includes torch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "rl/internal/actor_critic.h"
#include "rl/internal/flat_adam.h"
#include "rl/internal/flat_params.h"
#include "rl/internal/fused_mlp.h"
#include "rl/internal/task_thread.h"

namespace trainyard::rl::internal {

// Not thread-safe. Holds a reference to the module, which must outlive it.
class FastActorCritic {
 public:
  // Whether the fused path computes `net`: the non-recurrent MLP actor-
  // critic with a Categorical or state-independent diagonal-Gaussian head
  // (judged from its parameters, so variants such as gSDE's matrix-shaped
  // log std fall back to libtorch).
  static bool Supports(const ActorCriticImpl& net);

  // Moves `net`'s parameters into the flat buffer (values unchanged).
  // `max_batch`: the most rows any Forward / PpoLossGrad call will pass.
  // With `threads` >= 2, PpoLossGrad differentiates the critic on a helper
  // thread while the actor runs on the caller's: the networks share no
  // parameters, so the results are the same bits as with one thread.
  // REQUIRES: Supports(net), max_batch >= 1.
  FastActorCritic(ActorCriticImpl& net, int64_t max_batch, int threads = 1);

  // Makes the module's parameters views of the flat buffer again, keeping
  // their current values; call after something replaced their storage
  // (loading a checkpoint into the module does).
  void Rebind() { flat_->Rebind(); }

  // Actor output (logits or Gaussian mean) [n, action_dim] and values [n]
  // of obs [n, obs_dim]; valid until the next Forward or PpoLossGrad.
  // REQUIRES: 1 <= n <= max_batch.
  struct Outputs {
    const float* dist;
    const float* value;
  };
  Outputs Forward(const float* obs, int64_t n);
  // The actor's output alone, or the critic's values alone, as Forward's
  // (the same bits for each row whatever n is); valid until the next call
  // that runs the same network. REQUIRES: 1 <= n <= max_batch.
  const float* ActorForward(const float* obs, int64_t n);
  const float* CriticForward(const float* obs, int64_t n);
  // The Gaussian head's log std [action_dim] (null for a Categorical head).
  const float* log_std() const {
    return discrete_ ? nullptr : flat_->values() + log_std_offset_;
  }
  int64_t max_batch() const { return actor_.max_batch(); }

  // A PPO rollout, row-major with one row per (step, env): obs [rows,
  // obs_dim], actions [rows, 1 or action_dim] (discrete: the class index as
  // a float), and per row log pi_old(a), advantage, return, value.
  struct PpoRollout {
    const float* obs;
    const float* actions;
    const float* log_prob;
    const float* advantages;
    const float* returns;
    const float* values;
  };
  struct PpoLossOptions {
    double clip_range = 0.2;
    double value_clip = 0.0;  // 0: no value clipping
    double ent_coef = 0.0;
    double vf_coef = 0.5;
    bool normalize_advantage = true;
  };
  // Means over the minibatch.
  struct PpoLossStats {
    double policy_loss = 0, value_loss = 0, entropy = 0;
    double approx_kl = 0, clip_fraction = 0;
  };
  // The loss of ppo.cc's torch path on the minibatch `rows` of `rollout`
  // (clipped surrogate + ent_coef * -entropy + vf_coef * value MSE, with
  // per-minibatch advantage normalisation and optional value clipping);
  // writes its gradient with respect to params() into grads().
  // REQUIRES: 1 <= rows.size() <= max_batch, every row in the rollout.
  PpoLossStats PpoLossGrad(const PpoRollout& rollout,
                           std::span<const int64_t> rows,
                           const PpoLossOptions& options);

  // The parameters, writable: every call counts as a change (the fused
  // networks then re-read them). Writes made otherwise, e.g. through the
  // module, need Rebind() before the next Forward / PpoLossGrad.
  std::span<float> params() { return flat_->mutable_values(); }
  std::span<float> grads() { return grads_; }

  // Copies `adam`'s state into `opt`'s per-parameter state (the torch Adam
  // over this module's parameters), so the checkpoint holds it; and back.
  // A parameter without torch state (no step taken) loads as zeros.
  void SaveAdamState(const FlatAdam& adam, torch::optim::Adam& opt) const {
    flat_->SaveAdamState(adam, opt);
  }
  void LoadAdamState(torch::optim::Adam& opt, FlatAdam& adam) const {
    flat_->LoadAdamState(opt, adam);
  }

 private:
  void GatherRows(const float* src, int64_t cols, std::span<const int64_t> rows,
                  float* dst) const;
  // Per-row policy terms, writing dL/d(actor output) into d_dist_ and
  // dL/d(log_std) into grads().
  void PolicyTerms(const PpoRollout& rollout, std::span<const int64_t> rows,
                   const PpoLossOptions& options, const float* dist,
                   PpoLossStats* stats);
  // The value loss of `value` [rows] (returned), writing dL/d(value) into
  // d_value_.
  double ValueLossGrad(const PpoRollout& rollout, std::span<const int64_t> rows,
                       const PpoLossOptions& options, const float* value);

  ActorCriticImpl& net_;
  const int64_t obs_dim_, action_dim_;
  const bool discrete_;
  FusedMlp actor_, critic_;
  int64_t critic_offset_ = 0, log_std_offset_ = 0;
  // The module's parameters: actor layers, critic layers (each weight then
  // bias, as FusedMlp expects), then log_std.
  std::unique_ptr<FlatParams> flat_;
  std::vector<float> grads_;
  // Minibatch workspaces.
  std::vector<float> obs_mb_, adv_mb_, d_dist_, d_value_;
  std::unique_ptr<TaskThread> helper_;  // null with one thread
};

}  // namespace trainyard::rl::internal
