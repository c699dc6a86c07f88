// DDPG (Lillicrap et al. 2016), TD3 (Fujimoto et al. 2018) and SAC
// (Haarnoja et al. 2018) share one loop, as in Stable-Baselines3: actions
// live in [-1, 1]^d (tanh outputs) and are rescaled affinely to the Box
// bounds; exploration is uniform before learning_starts. DDPG is TD3 with
// one critic, no policy delay and no target smoothing. SAC uses twin
// critics, a tanh-squashed Gaussian actor with the log-prob correction and
// (by default) automatic tuning of the entropy coefficient towards
// target_entropy = -dim(A). With use_sde, SAC explores with gSDE instead
// (rl/internal/sde.h, sde_actor.h): the noise matrix is resampled when each
// collection phase starts (after each round of gradient steps), every
// sde_sample_freq steps within it, and before each gradient step.
//
// Without gSDE the networks run on the fused small-network path
// (fused_critics.h, actor_heads.h, flat_params.h): the same update in plain
// C++ on flat buffers that the torch modules view, with the same random
// draws (torch's generator fills preallocated noise tensors), so
// checkpoints and exported policies are unchanged. gSDE stays on libtorch.
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "rl/internal/actor_heads.h"
#include "rl/internal/algorithm.h"
#include "rl/internal/flat_adam.h"
#include "rl/internal/flat_params.h"
#include "rl/internal/fused_critics.h"
#include "rl/internal/fused_mlp.h"
#include "rl/internal/nets.h"
#include "rl/internal/sde.h"
#include "rl/internal/sde_actor.h"
#include "rl/replay_buffer.h"

namespace trainyard::rl::internal {
namespace {

constexpr double kLogStdMin = -20.0, kLogStdMax = 2.0;

class OffPolicy : public Algorithm {
 public:
  OffPolicy(Algo algo, const OffPolicyConfig& config, const AlgoContext& context);

  Status Iterate(Metrics* metrics) override;
  int64_t steps() const override { return steps_; }
  void SaveState(torch::serialize::OutputArchive& archive, nlohmann::json& meta,
                 bool with_replay) override;
  void LoadState(torch::serialize::InputArchive& archive,
                 const nlohmann::json& meta) override;
  void ExportPolicy(torch::serialize::OutputArchive& archive,
                    nlohmann::json& net) override;

 private:
  bool sac() const { return algo_ == Algo::kSac; }
  bool sde() const { return sac() && c_.use_sde; }
  // The trained actor: the gSDE actor with use_sde, else the MLP.
  torch::nn::Module& actor_module();
  // SAC: a squashed action for a batch of obs and its log-probability.
  std::pair<torch::Tensor, torch::Tensor> ActorSample(const torch::Tensor& obs);
  torch::Tensor Q(int i, bool target, const torch::Tensor& obs, const torch::Tensor& act);
  void SelectAction(float* y);
  void Train(Metrics* metrics);
  // Train on the fused path: the same gradient steps and metrics.
  void TrainFused(Metrics* metrics);
  // Builds the fused path's state over the torch modules (their parameters
  // move into flat buffers).
  void SetUpFused(int threads);
  // The fused path's actor output for n rows of obs (actor_net_).
  const float* ActorForward(const float* obs, int64_t n);
  // x_ <- [obs | act] row by row, the critics' input.
  void ConcatObsAction(const float* obs, const float* act, int64_t n);
  // Fills `noise` from gen_ as torch::randn(noise.sizes(), gen_) would.
  const float* Randn(torch::Tensor& noise);
  void Step(torch::optim::Optimizer& opt, const torch::Tensor& loss, torch::nn::Module& module);

  Algo algo_;
  OffPolicyConfig c_;
  EnvRunner* runner_;
  const int64_t obs_dim_, act_dim_;
  const int n_critics_;
  at::Generator gen_;
  Mlp actor_{nullptr}, actor_target_{nullptr};  // not built with use_sde
  SdeActor sde_actor_{nullptr};                  // use_sde only
  SdeNoise sde_;
  std::vector<Mlp> critics_, critic_targets_;
  std::unique_ptr<torch::optim::Adam> actor_opt_, critic_opt_, alpha_opt_;
  torch::Tensor log_alpha_;
  double target_entropy_;
  ReplayBuffer buffer_;
  Rng rng_;
  int64_t steps_ = 0, updates_ = 0;
  std::vector<float> obs_, y_, env_action_;
  TransitionBatch batch_;

  // The fused path (null when the libtorch path runs: gSDE, or turned off).
  std::unique_ptr<FlatParams> actor_flat_, actor_target_flat_, alpha_flat_;
  std::unique_ptr<FusedMlp> actor_net_;   // the actor on obs
  std::unique_ptr<FusedMlp> actor_next_;  // on next obs (SAC) / target actor
  std::unique_ptr<FusedCritics> fused_critics_;
  std::unique_ptr<FlatAdam> actor_adam_, critic_adam_, alpha_adam_;
  // Update workspaces, [batch, ...] row-major.
  torch::Tensor noise_;  // [batch, act_dim] standard normal draws
  std::vector<float> x_, d_x_, target_, u_, a_, logp_, next_u_, next_a_,
      next_logp_, d_a_, d_logp_, d_out_, actor_grads_;
};

OffPolicy::OffPolicy(Algo algo, const OffPolicyConfig& config, const AlgoContext& context)
    : algo_(algo),
      c_(config),
      runner_(context.runner),
      obs_dim_(context.runner->obs_dim()),
      act_dim_(context.runner->action_space().flat_size()),
      n_critics_(algo == Algo::kDdpg ? 1 : 2),
      gen_(at::make_generator<at::CPUGeneratorImpl>(context.seed)),
      buffer_(config.buffer_size, context.runner->obs_dim(),
              context.runner->action_space().flat_size()),
      rng_(context.seed ^ 0x9e3779b97f4a7c15ULL) {
  if (sde()) {
    sde_actor_ = SdeActor(obs_dim_, c_.hidden, act_dim_, c_.log_std_init, gen_);
    sde_ = SdeNoise(sde_actor_->latent_dim(), act_dim_);
  } else {
    const int64_t actor_out = sac() ? 2 * act_dim_ : act_dim_;
    actor_ = Mlp(obs_dim_, c_.hidden, actor_out, Activation::kRelu, 0.0, gen_);
    actor_target_ = Mlp(obs_dim_, c_.hidden, actor_out, Activation::kRelu, 0.0, gen_);
    HardUpdate(*actor_, *actor_target_);
  }
  std::vector<torch::Tensor> critic_params;
  for (int i = 0; i < n_critics_; ++i) {
    critics_.push_back(Mlp(obs_dim_ + act_dim_, c_.hidden, 1, Activation::kRelu, 0.0, gen_));
    critic_targets_.push_back(
        Mlp(obs_dim_ + act_dim_, c_.hidden, 1, Activation::kRelu, 0.0, gen_));
    HardUpdate(*critics_[i], *critic_targets_[i]);
    for (auto& p : critics_[i]->parameters()) critic_params.push_back(p);
  }
  actor_opt_ = std::make_unique<torch::optim::Adam>(actor_module().parameters(),
                                                    torch::optim::AdamOptions(c_.actor_lr));
  critic_opt_ = std::make_unique<torch::optim::Adam>(critic_params,
                                                     torch::optim::AdamOptions(c_.critic_lr));
  log_alpha_ = torch::full({1}, std::log(c_.ent_coef)).set_requires_grad(c_.auto_ent_coef);
  if (sac() && c_.auto_ent_coef) {
    alpha_opt_ = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{log_alpha_},
                                                      torch::optim::AdamOptions(c_.actor_lr));
  }
  target_entropy_ = c_.auto_target_entropy ? -static_cast<double>(act_dim_) : c_.target_entropy;
  obs_.resize(obs_dim_);
  y_.resize(act_dim_);
  env_action_.resize(act_dim_);
  if (context.fused_networks && !sde()) SetUpFused(torch::get_num_threads());
}

void OffPolicy::SetUpFused(int threads) {
  const int64_t b = c_.batch_size;
  const int64_t actor_out = sac() ? 2 * act_dim_ : act_dim_;
  std::vector<int64_t> actor_sizes = {obs_dim_};
  actor_sizes.insert(actor_sizes.end(), c_.hidden.begin(), c_.hidden.end());
  actor_sizes.push_back(actor_out);
  std::vector<int64_t> critic_sizes = actor_sizes;
  critic_sizes.front() = obs_dim_ + act_dim_;
  critic_sizes.back() = 1;
  actor_flat_ = std::make_unique<FlatParams>(actor_->parameters());
  actor_target_flat_ = std::make_unique<FlatParams>(actor_target_->parameters());
  actor_net_ = std::make_unique<FusedMlp>(actor_sizes, /*tanh=*/false, b);
  actor_next_ = std::make_unique<FusedMlp>(actor_sizes, /*tanh=*/false, b);
  std::vector<torch::nn::Module*> critics, targets;
  for (int i = 0; i < n_critics_; ++i) {
    critics.push_back(critics_[i].get());
    targets.push_back(critic_targets_[i].get());
  }
  fused_critics_ = std::make_unique<FusedCritics>(critics, targets, critic_sizes, b, threads);
  actor_adam_ = std::make_unique<FlatAdam>(actor_flat_->size());
  critic_adam_ = std::make_unique<FlatAdam>(fused_critics_->online().size());
  alpha_flat_ = std::make_unique<FlatParams>(std::vector<torch::Tensor>{log_alpha_});
  if (alpha_opt_) alpha_adam_ = std::make_unique<FlatAdam>(1);
  noise_ = torch::empty({b, act_dim_});
  const int64_t in = obs_dim_ + act_dim_;
  x_.resize(b * in);
  d_x_.resize(b * in);
  target_.resize(b);
  for (auto* v : {&u_, &a_, &next_u_, &next_a_, &d_a_}) v->resize(b * act_dim_);
  for (auto* v : {&logp_, &next_logp_, &d_logp_}) v->resize(b);
  d_out_.resize(b * actor_out);
  actor_grads_.resize(actor_flat_->size());
}

const float* OffPolicy::ActorForward(const float* obs, int64_t n) {
  return actor_net_->Forward(actor_flat_->values(), obs, n, actor_flat_->version());
}

void OffPolicy::ConcatObsAction(const float* obs, const float* act, int64_t n) {
  const int64_t in = obs_dim_ + act_dim_;
  for (int64_t r = 0; r < n; ++r) {
    std::memcpy(x_.data() + r * in, obs + r * obs_dim_, obs_dim_ * sizeof(float));
    std::memcpy(x_.data() + r * in + obs_dim_, act + r * act_dim_, act_dim_ * sizeof(float));
  }
}

const float* OffPolicy::Randn(torch::Tensor& noise) {
  noise.normal_(0.0, 1.0, gen_);
  return noise.data_ptr<float>();
}

torch::nn::Module& OffPolicy::actor_module() {
  if (sde()) return *sde_actor_;
  return *actor_;
}

std::pair<torch::Tensor, torch::Tensor> OffPolicy::ActorSample(const torch::Tensor& obs) {
  if (sde()) {
    auto out = sde_actor_->forward(obs);
    auto u = out.mean + sde_.Apply(out.latent, sde_actor_->log_std());
    auto log_std = SdeLogStd(out.latent, sde_actor_->log_std());
    return {torch::tanh(u), SquashedGaussianLogProb(out.mean, log_std, u)};
  }
  auto out = actor_->forward(obs);
  auto mean = out.slice(1, 0, act_dim_);
  auto log_std = torch::clamp(out.slice(1, act_dim_, 2 * act_dim_), kLogStdMin, kLogStdMax);
  auto u = mean + torch::exp(log_std) * torch::randn(mean.sizes(), gen_);
  return {torch::tanh(u), SquashedGaussianLogProb(mean, log_std, u)};
}

torch::Tensor OffPolicy::Q(int i, bool target, const torch::Tensor& obs,
                           const torch::Tensor& act) {
  auto x = torch::cat({obs, act}, 1);
  return (target ? critic_targets_[i] : critics_[i])->forward(x).squeeze(1);
}

void OffPolicy::SelectAction(float* y) {
  if (steps_ < c_.learning_starts && !(sde() && c_.use_sde_at_warmup)) {
    for (int64_t j = 0; j < act_dim_; ++j) y[j] = static_cast<float>(rng_.Uniform(-1, 1));
    return;
  }
  torch::NoGradGuard no_grad;
  if (actor_net_) {
    const float* o = ActorForward(obs_.data(), 1);
    for (int64_t j = 0; j < act_dim_; ++j) {
      double u = o[j];
      if (sac()) {
        u += std::exp(std::clamp<double>(o[act_dim_ + j], kLogStdMin, kLogStdMax)) *
             rng_.Normal();
        y[j] = static_cast<float>(std::tanh(u));
      } else {
        y[j] = static_cast<float>(
            std::clamp(std::tanh(u) + c_.action_noise * rng_.Normal(), -1.0, 1.0));
      }
    }
    return;
  }
  if (sde()) {
    auto out = sde_actor_->forward(torch::from_blob(obs_.data(), {1, obs_dim_}));
    auto u = (out.mean + sde_.Apply(out.latent, sde_actor_->log_std()))[0];
    auto a = u.accessor<float, 1>();
    for (int64_t j = 0; j < act_dim_; ++j) y[j] = std::tanh(a[j]);
    return;
  }
  auto out = actor_->forward(torch::from_blob(obs_.data(), {1, obs_dim_}))[0];
  auto o = out.accessor<float, 1>();
  for (int64_t j = 0; j < act_dim_; ++j) {
    double u = o[j];
    if (sac()) {
      u += std::exp(std::clamp<double>(o[act_dim_ + j], kLogStdMin, kLogStdMax)) * rng_.Normal();
      y[j] = static_cast<float>(std::tanh(u));
    } else {
      y[j] = static_cast<float>(
          std::clamp(std::tanh(u) + c_.action_noise * rng_.Normal(), -1.0, 1.0));
    }
  }
}

void OffPolicy::Step(torch::optim::Optimizer& opt, const torch::Tensor& loss, torch::nn::Module& module) {
  opt.zero_grad();
  loss.backward();
  if (c_.max_grad_norm > 0) ClipGradNorm(module.parameters(), c_.max_grad_norm);
  opt.step();
}

void OffPolicy::TrainFused(Metrics* metrics) {
  const int64_t b = c_.batch_size;
  const float inv_b = 1.0f / static_cast<float>(b);
  const float gamma = static_cast<float>(c_.gamma);
  float* log_alpha = alpha_flat_->mutable_values().data();
  double critic_loss_v = 0, actor_loss_v = 0, alpha_v = 0;
  for (int64_t g = 0; g < c_.gradient_steps; ++g) {
    buffer_.Sample(b, rng_, &batch_);
    float alpha = std::exp(*log_alpha);
    // The actor's output on obs; its parameters stay as they are until the
    // actor step, so the entropy coefficient's sample and the actor loss's
    // share one forward.
    const float* out_obs = nullptr;
    if (sac() && c_.auto_ent_coef) {
      out_obs = ActorForward(batch_.obs.data(), b);
      SquashedGaussianSample(out_obs, Randn(noise_), b, act_dim_, u_.data(), a_.data(),
                             logp_.data());
      // d/d(log_alpha) of -mean(log_alpha * (logp + target_entropy)).
      float sum = 0.0f;
      for (int64_t r = 0; r < b; ++r) {
        sum += logp_[r] + static_cast<float>(target_entropy_);
      }
      const float grad = -sum * inv_b;
      alpha_adam_->Step(alpha_flat_->mutable_values(), {&grad, 1}, c_.actor_lr);
      alpha = std::exp(*log_alpha);
    }
    // The critics' target.
    const float* next_a;
    if (sac()) {
      const float* out = actor_next_->Forward(actor_flat_->values(), batch_.next_obs.data(),
                                              b, actor_flat_->version());
      SquashedGaussianSample(out, Randn(noise_), b, act_dim_, next_u_.data(),
                             next_a_.data(), next_logp_.data());
      next_a = next_a_.data();
    } else {
      const float* out =
          actor_next_->Forward(actor_target_flat_->values(), batch_.next_obs.data(), b,
                               actor_target_flat_->version());
      const bool smooth = c_.target_policy_noise > 0;
      SmoothedTargetAction(out, smooth ? Randn(noise_) : nullptr, b * act_dim_,
                           static_cast<float>(c_.target_policy_noise),
                           static_cast<float>(c_.target_noise_clip), next_a_.data());
      next_a = next_a_.data();
    }
    ConcatObsAction(batch_.next_obs.data(), next_a, b);
    const float* next_q = fused_critics_->TargetMin(x_.data(), b);
    for (int64_t r = 0; r < b; ++r) {
      const float q = sac() ? next_q[r] - alpha * next_logp_[r] : next_q[r];
      target_[r] = batch_.rewards[r] + (1.0f - batch_.terminated[r]) * gamma * q;
    }
    ConcatObsAction(batch_.obs.data(), batch_.actions.data(), b);
    critic_loss_v = fused_critics_->LossGrad(x_.data(), target_.data(), b);
    fused_critics_->Step(*critic_adam_, c_.critic_lr, c_.max_grad_norm);
    ++updates_;
    if (updates_ % c_.policy_delay != 0) continue;
    // The actor: minimise mean(alpha * logp - min Q) (SAC) or -mean(Q_0).
    if (out_obs == nullptr) out_obs = ActorForward(batch_.obs.data(), b);
    if (sac()) {
      SquashedGaussianSample(out_obs, Randn(noise_), b, act_dim_, u_.data(), a_.data(),
                             logp_.data());
    } else {
      TanhForward(out_obs, b * act_dim_, a_.data());
    }
    ConcatObsAction(batch_.obs.data(), a_.data(), b);
    const float* q = fused_critics_->MinValueInputGrad(x_.data(), b, sac() ? 2 : 1, -inv_b,
                                                       d_x_.data());
    const int64_t in = obs_dim_ + act_dim_;
    for (int64_t r = 0; r < b; ++r) {
      std::memcpy(d_a_.data() + r * act_dim_, d_x_.data() + r * in + obs_dim_,
                  act_dim_ * sizeof(float));
    }
    double loss = 0.0;
    if (sac()) {
      for (int64_t r = 0; r < b; ++r) {
        loss += alpha * logp_[r] - q[r];
        d_logp_[r] = alpha * inv_b;
      }
      SquashedGaussianBackward(out_obs, noise_.data_ptr<float>(), u_.data(), a_.data(), d_a_.data(),
                               d_logp_.data(), b, act_dim_, d_out_.data());
    } else {
      for (int64_t r = 0; r < b; ++r) loss -= q[r];
      TanhBackward(a_.data(), d_a_.data(), b * act_dim_, d_out_.data());
    }
    actor_net_->Backward(actor_flat_->values(), d_out_.data(), actor_grads_.data());
    if (c_.max_grad_norm > 0) ClipGradNormFlat(actor_grads_, c_.max_grad_norm);
    actor_adam_->Step(actor_flat_->mutable_values(), actor_grads_, c_.actor_lr);
    actor_loss_v = loss / static_cast<double>(b);
    fused_critics_->UpdateTargets(c_.tau);
    if (!sac()) PolyakFlat(*actor_flat_, *actor_target_flat_, c_.tau);
    alpha_v = alpha;
  }
  (*metrics)["critic_loss"] = critic_loss_v;
  (*metrics)["actor_loss"] = actor_loss_v;
  if (sac()) (*metrics)["ent_coef"] = alpha_v;
  (*metrics)["learning_rate"] = c_.actor_lr;
}

void OffPolicy::Train(Metrics* metrics) {
  if (fused_critics_) {
    TrainFused(metrics);
    return;
  }
  const int64_t b = c_.batch_size;
  double critic_loss_v = 0, actor_loss_v = 0, alpha_v = 0;
  for (int64_t g = 0; g < c_.gradient_steps; ++g) {
    buffer_.Sample(b, rng_, &batch_);
    auto obs = torch::from_blob(batch_.obs.data(), {b, obs_dim_});
    auto act = torch::from_blob(batch_.actions.data(), {b, act_dim_});
    auto rew = torch::from_blob(batch_.rewards.data(), {b});
    auto term = torch::from_blob(batch_.terminated.data(), {b});
    torch::Tensor alpha = log_alpha_.detach().exp();
    // log_std changed with the last step: a new matrix (as SB3's reset_noise).
    if (sde()) sde_.Resample(1, gen_);
    if (sac() && c_.auto_ent_coef) {
      // Entropy coefficient first, from a fresh sample (as SB3 does).
      auto [a_pi, logp] = ActorSample(obs);
      auto alpha_loss = -(log_alpha_ * (logp + target_entropy_).detach()).mean();
      alpha_opt_->zero_grad();
      alpha_loss.backward();
      alpha_opt_->step();
      alpha = log_alpha_.detach().exp();
    }
    torch::Tensor target;
    {
      torch::NoGradGuard no_grad;
      torch::Tensor next_a, next_logp;
      auto next = torch::from_blob(batch_.next_obs.data(), {b, obs_dim_});
      if (sac()) {
        std::tie(next_a, next_logp) = ActorSample(next);
      } else {
        next_a = torch::tanh(actor_target_->forward(next));
        if (c_.target_policy_noise > 0) {
          auto noise = torch::clamp(torch::randn(next_a.sizes(), gen_) * c_.target_policy_noise,
                                    -c_.target_noise_clip, c_.target_noise_clip);
          next_a = torch::clamp(next_a + noise, -1.0, 1.0);
        }
      }
      auto next_q = Q(0, true, next, next_a);
      for (int i = 1; i < n_critics_; ++i) next_q = torch::min(next_q, Q(i, true, next, next_a));
      if (sac()) next_q = next_q - alpha * next_logp;
      target = rew + (1 - term) * c_.gamma * next_q;
    }
    auto critic_loss = torch::mse_loss(Q(0, false, obs, act), target);
    for (int i = 1; i < n_critics_; ++i) {
      critic_loss = critic_loss + torch::mse_loss(Q(i, false, obs, act), target);
    }
    critic_opt_->zero_grad();
    critic_loss.backward();
    if (c_.max_grad_norm > 0) {
      std::vector<torch::Tensor> params;
      for (auto& q : critics_) for (auto& p : q->parameters()) params.push_back(p);
      ClipGradNorm(params, c_.max_grad_norm);
    }
    critic_opt_->step();
    critic_loss_v = critic_loss.item<double>();
    ++updates_;
    if (updates_ % c_.policy_delay != 0) continue;
    torch::Tensor actor_loss;
    if (sac()) {
      auto [a_pi, logp] = ActorSample(obs);
      auto q = torch::min(Q(0, false, obs, a_pi), Q(1, false, obs, a_pi));
      actor_loss = (alpha * logp - q).mean();
    } else {
      actor_loss = -Q(0, false, obs, torch::tanh(actor_->forward(obs))).mean();
    }
    Step(*actor_opt_, actor_loss, actor_module());
    actor_loss_v = actor_loss.item<double>();
    for (int i = 0; i < n_critics_; ++i) PolyakUpdate(*critics_[i], *critic_targets_[i], c_.tau);
    if (!sac()) PolyakUpdate(*actor_, *actor_target_, c_.tau);
    alpha_v = alpha.item<double>();
  }
  (*metrics)["critic_loss"] = critic_loss_v;
  (*metrics)["actor_loss"] = actor_loss_v;
  if (sac()) (*metrics)["ent_coef"] = alpha_v;
  if (sde()) (*metrics)["std"] = sde_actor_->log_std().exp().mean().item<double>();
  (*metrics)["learning_rate"] = c_.actor_lr;
}

Status OffPolicy::Iterate(Metrics* metrics) {
  try {
    env::VectorEnv& venv = runner_->venv();
    const env::Space& space = runner_->action_space();
    for (int64_t k = 0; k < c_.train_freq; ++k) {
      if (sde() && (k == 0 || (c_.sde_sample_freq > 0 && k % c_.sde_sample_freq == 0))) {
        sde_.Resample(1, rng_);
      }
      std::copy(venv.observations().begin(), venv.observations().end(), obs_.begin());
      SelectAction(y_.data());
      for (int64_t j = 0; j < act_dim_; ++j) {
        env_action_[j] = space.low()[j] + 0.5f * (y_[j] + 1.0f) * (space.high()[j] - space.low()[j]);
      }
      runner_->Step(env_action_);
      ++steps_;
      auto next = venv.done(0) ? venv.final_observations() : venv.observations();
      buffer_.Add(obs_, y_, static_cast<float>(venv.rewards()[0]), next,
                  venv.terminated()[0] != 0);
    }
    if (steps_ > c_.learning_starts && buffer_.size() >= 1) Train(metrics);
  } catch (const std::exception& e) {
    return InternalError(std::string(AlgoName(algo_)) + " update failed: " + e.what());
  }
  return Status::Ok();
}

void OffPolicy::SaveState(torch::serialize::OutputArchive& archive, nlohmann::json& meta,
                          bool with_replay) {
  if (fused_critics_) {  // the flat Adams' state into the torch optimisers
    actor_flat_->SaveAdamState(*actor_adam_, *actor_opt_);
    fused_critics_->online().SaveAdamState(*critic_adam_, *critic_opt_);
    if (alpha_adam_) alpha_flat_->SaveAdamState(*alpha_adam_, *alpha_opt_);
  }
  WriteModule(archive, "actor", actor_module());
  if (actor_target_) WriteModule(archive, "actor_target", *actor_target_);
  for (int i = 0; i < n_critics_; ++i) {
    WriteModule(archive, "critic" + std::to_string(i), *critics_[i]);
    WriteModule(archive, "critic_target" + std::to_string(i), *critic_targets_[i]);
  }
  WriteOptimizer(archive, "actor_opt", *actor_opt_);
  WriteOptimizer(archive, "critic_opt", *critic_opt_);
  if (alpha_opt_) WriteOptimizer(archive, "alpha_opt", *alpha_opt_);
  archive.write("log_alpha", log_alpha_.detach());
  archive.write("generator", gen_.get_state());
  WriteReplay(archive, buffer_, with_replay);
  meta["steps"] = steps_;
  meta["updates"] = updates_;
  meta["rng"] = RngToJson(rng_);
}

void OffPolicy::LoadState(torch::serialize::InputArchive& archive,
                          const nlohmann::json& meta) {
  ReadModule(archive, "actor", actor_module());
  if (actor_target_) ReadModule(archive, "actor_target", *actor_target_);
  for (int i = 0; i < n_critics_; ++i) {
    ReadModule(archive, "critic" + std::to_string(i), *critics_[i]);
    ReadModule(archive, "critic_target" + std::to_string(i), *critic_targets_[i]);
  }
  ReadOptimizer(archive, "actor_opt", *actor_opt_);
  ReadOptimizer(archive, "critic_opt", *critic_opt_);
  if (alpha_opt_) ReadOptimizer(archive, "alpha_opt", *alpha_opt_);
  torch::Tensor alpha, generator;
  archive.read("log_alpha", alpha);
  {
    torch::NoGradGuard no_grad;
    log_alpha_.copy_(alpha);
  }
  archive.read("generator", generator);
  gen_.set_state(generator);
  ReadReplay(archive, buffer_);
  if (fused_critics_) {  // loading replaced the parameters' storage
    actor_flat_->Rebind();
    actor_target_flat_->Rebind();
    fused_critics_->Rebind();
    alpha_flat_->Rebind();
    actor_flat_->LoadAdamState(*actor_opt_, *actor_adam_);
    fused_critics_->online().LoadAdamState(*critic_opt_, *critic_adam_);
    if (alpha_adam_) alpha_flat_->LoadAdamState(*alpha_opt_, *alpha_adam_);
  }
  steps_ = meta.at("steps").get<int64_t>();
  updates_ = meta.at("updates").get<int64_t>();
  RngFromJson(meta.at("rng"), rng_);
}

void OffPolicy::ExportPolicy(torch::serialize::OutputArchive& archive, nlohmann::json& net) {
  if (sde()) {
    WriteModule(archive, "net", *sde_actor_);
    net = {{"type", "sde_actor"}, {"in", obs_dim_}, {"hidden", c_.hidden}, {"out", act_dim_}};
    return;
  }
  WriteModule(archive, "net", *actor_);
  net = {{"type", "mlp"},
         {"in", obs_dim_},
         {"hidden", c_.hidden},
         {"out", sac() ? 2 * act_dim_ : act_dim_},
         {"activation", "relu"},
         {"head", sac() ? "squashed_gaussian" : "deterministic"}};
}

}  // namespace

Result<std::unique_ptr<Algorithm>> MakeOffPolicy(Algo algo, const OffPolicyConfig& config,
                                                 const AlgoContext& context) {
  const env::Space& a = context.runner->action_space();
  if (a.kind() != env::Space::Kind::kBox) {
    return ValidationError(std::string(AlgoName(algo)) + " needs a Box action space",
                           {{"env", "action space " + a.ToString() + " is not a Box"}});
  }
  for (int64_t j = 0; j < a.flat_size(); ++j) {
    if (!std::isfinite(a.low()[j]) || !std::isfinite(a.high()[j])) {
      return ValidationError(std::string(AlgoName(algo)) + " needs finite action bounds",
                             {{"env", "action space " + a.ToString() + " is unbounded"}});
    }
  }
  try {
    return std::unique_ptr<Algorithm>(new OffPolicy(algo, config, context));
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot build networks: ") + e.what());
  }
}

}  // namespace trainyard::rl::internal
