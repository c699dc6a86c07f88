// PPO (Schulman et al. 2017) as in Stable-Baselines3: clipped surrogate,
// GAE(lambda), per-minibatch advantage normalisation, optional value
// clipping, entropy bonus, minibatch epochs, global grad-norm clipping and
// constant or linear learning-rate / clip-range schedules; Box actions use
// a diagonal Gaussian with a state-independent log std or gSDE (use_sde).
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "rl/gae.h"
#include "rl/internal/actor_critic.h"
#include "rl/internal/algorithm.h"
#include "rl/internal/fast_actor_critic.h"
#include "rl/internal/sde.h"

namespace trainyard::rl::internal {
namespace {

constexpr double kHalfLog2Pi = 0.91893853320467274178;  // 0.5 * log(2 pi)

class Ppo : public Algorithm {
 public:
  Ppo(const PpoConfig& config, const AlgoContext& context);

  Status Iterate(Metrics* metrics) override;
  int64_t steps() const override { return steps_; }
  void SaveState(torch::serialize::OutputArchive& archive, nlohmann::json& meta,
                 bool with_replay) override;
  void LoadState(torch::serialize::InputArchive& archive,
                 const nlohmann::json& meta) override;
  void ExportPolicy(torch::serialize::OutputArchive& archive,
                    nlohmann::json& net) override;

 private:
  void Collect();
  // Collect on the fused path: the actor alone per step, no libtorch call
  // but the rare bootstrap of a truncated episode; the critic's values of
  // the whole rollout in batches afterwards (each row the same bits as a
  // per-step forward).
  void CollectFused();
  // SampleAction for the fused actor's output row `dist`.
  double SampleFused(const float* dist, float* net_action, float* env_action);
  void Update(Metrics* metrics);
  // Update on the fused path (fast_actor_critic.h): the same loss, the same
  // minibatches, Adam and clipping over the flat parameter buffer.
  void UpdateFused(Metrics* metrics);
  // What both updates report (sums over minibatches; kl and clipped over
  // the last epoch's).
  struct UpdateSums {
    double pg = 0, v = 0, ent = 0, kl = 0, clipped = 0;
    int64_t batches = 0;
  };
  void WriteUpdateMetrics(const UpdateSums& sums, double lr, double clip,
                          Metrics* metrics);
  // A fresh random order of the rollout's rows.
  void ShuffleRows(std::vector<int64_t>& perm);
  // The non-recurrent network's outputs for n rows of obs: the fused path's
  // (viewing its workspaces until its next call) or the module's.
  ActorCriticImpl::Output ForwardMlp(const float* obs, int64_t n);
  // Samples one action for row `e` of `out`; writes the network action and
  // the environment action and returns log pi(action).
  double SampleAction(const ActorCriticImpl::Output& out,
                      const torch::Tensor& log_probs, int64_t e,
                      float* net_action, float* env_action);
  // gSDE: mean + the noise of env e's exploration matrix (sde_noise_),
  // log-density under the state-dependent std (sde_log_std_).
  double SampleSdeAction(const ActorCriticImpl::Output& out, int64_t e,
                         float* net_action, float* env_action);
  // Before rollout step t: new exploration matrices (one per env) at t = 0
  // and every sde_sample_freq steps, as SB3's collect_rollouts.
  void MaybeResampleSde(int64_t t);
  double BootstrapValue(int64_t e, const ActorCriticImpl::Output& out);
  double Schedule(const std::string& kind, double initial) const;

  PpoConfig c_;
  EnvRunner* runner_;
  int64_t total_steps_;
  const int64_t n_envs_, obs_dim_, net_act_dim_, env_act_size_;
  const bool discrete_;
  at::Generator gen_;
  ActorCritic net_{nullptr};
  std::unique_ptr<torch::optim::Adam> opt_;
  // The fused path, when it computes this network (else null), and its
  // Adam; opt_ then only carries the Adam state into checkpoints.
  std::unique_ptr<FastActorCritic> fast_;
  std::unique_ptr<FlatAdam> fast_adam_;
  Rng rng_;
  int64_t steps_ = 0;
  int64_t updates_ = 0;
  const int64_t state_size_;
  // Rollout storage, time-major (row t * n_envs + e).
  std::vector<float> obs_, actions_, logp_, values_, rewards_, adv_, ret_;
  std::vector<uint8_t> ends_;
  std::vector<float> h_, cs_, cur_h_, cur_c_;
  std::vector<float> env_actions_, last_values_;
  SdeNoise sde_;                           // use_sde only
  torch::Tensor sde_noise_, sde_log_std_;  // [n_envs, d] at the current step
};

Ppo::Ppo(const PpoConfig& config, const AlgoContext& context)
    : c_(config),
      runner_(context.runner),
      total_steps_(context.total_steps),
      n_envs_(context.runner->n_envs()),
      obs_dim_(context.runner->obs_dim()),
      net_act_dim_(context.runner->action_space().kind() ==
                           env::Space::Kind::kDiscrete
                       ? context.runner->action_space().n()
                       : context.runner->action_space().flat_size()),
      env_act_size_(context.runner->action_space().flat_size()),
      discrete_(context.runner->action_space().kind() ==
                env::Space::Kind::kDiscrete),
      gen_(at::make_generator<at::CPUGeneratorImpl>(context.seed)),
      rng_(context.seed ^ 0x9e3779b97f4a7c15ULL),
      state_size_(config.policy == "lstm_actor_critic_batch_norm"
                      ? config.hidden[0]
                      : 0) {
  ActorCriticSpec spec;
  spec.obs_dim = obs_dim_;
  spec.discrete = discrete_;
  spec.action_dim = net_act_dim_;
  spec.hidden = c_.hidden;
  spec.activation = c_.activation;
  spec.recurrent = state_size_ > 0;
  spec.log_std_init = c_.log_std_init;
  spec.use_sde = c_.use_sde;
  net_ = ActorCritic(spec, gen_);
  if (c_.use_sde) sde_ = SdeNoise(net_->latent_dim(), net_act_dim_);
  opt_ = std::make_unique<torch::optim::Adam>(
      net_->parameters(),
      torch::optim::AdamOptions(c_.learning_rate).eps(1e-5));
  // gSDE samples from the latent features: libtorch path only.
  if (context.fused_networks && !c_.use_sde &&
      FastActorCritic::Supports(*net_)) {
    const int64_t max_batch =
        std::max(std::min(c_.batch_size, c_.n_steps * n_envs_), n_envs_);
    // torch's thread count (trainyard train --threads) also lets the
    // fused path put the critic on a second core.
    fast_ = std::make_unique<FastActorCritic>(*net_, max_batch,
                                              torch::get_num_threads());
    fast_adam_ = std::make_unique<FlatAdam>(fast_->params().size(), 1e-5);
  }
  const int64_t rows = c_.n_steps * n_envs_;
  obs_.resize(rows * obs_dim_);
  actions_.resize(rows * (discrete_ ? 1 : net_act_dim_));
  logp_.resize(rows);
  values_.resize(rows);
  rewards_.resize(rows);
  adv_.resize(rows);
  ret_.resize(rows);
  ends_.resize(rows);
  h_.resize(rows * state_size_);
  cs_.resize(rows * state_size_);
  cur_h_.assign(n_envs_ * state_size_, 0.0f);
  cur_c_.assign(n_envs_ * state_size_, 0.0f);
  env_actions_.resize(n_envs_ * env_act_size_);
  last_values_.resize(n_envs_);
}

double Ppo::Schedule(const std::string& kind, double initial) const {
  if (kind != "linear") return initial;
  const double remaining =
      1.0 - static_cast<double>(steps_) / static_cast<double>(total_steps_);
  return initial * std::max(remaining, 0.0);
}

double Ppo::SampleAction(const ActorCriticImpl::Output& out,
                         const torch::Tensor& log_probs, int64_t e,
                         float* net_action, float* env_action) {
  const env::Space& space = runner_->action_space();
  if (discrete_) {
    const float* acc = log_probs.data_ptr<float>() + e * net_act_dim_;
    double u = rng_.Uniform(), cum = 0.0;
    int64_t a = net_act_dim_ - 1;
    for (int64_t k = 0; k < net_act_dim_; ++k) {
      cum += std::exp(acc[k]);
      if (u < cum) {
        a = k;
        break;
      }
    }
    net_action[0] = static_cast<float>(a);
    env_action[0] = static_cast<float>(a + space.start());
    return acc[a];
  }
  if (c_.use_sde) return SampleSdeAction(out, e, net_action, env_action);
  auto mean = out.dist.accessor<float, 2>();
  torch::Tensor log_std_t = net_->log_std().detach();
  auto log_std = log_std_t.accessor<float, 1>();
  double logp = 0.0;
  for (int64_t j = 0; j < net_act_dim_; ++j) {
    const double z = rng_.Normal();
    const double a = mean[e][j] + std::exp(log_std[j]) * z;
    logp += -0.5 * z * z - log_std[j] - kHalfLog2Pi;
    net_action[j] = static_cast<float>(a);
    env_action[j] =
        std::clamp(static_cast<float>(a), space.low()[j], space.high()[j]);
  }
  return logp;
}

double Ppo::SampleSdeAction(const ActorCriticImpl::Output& out, int64_t e,
                            float* net_action, float* env_action) {
  const env::Space& space = runner_->action_space();
  auto mean = out.dist.accessor<float, 2>();
  auto noise = sde_noise_.accessor<float, 2>();
  auto log_std = sde_log_std_.accessor<float, 2>();
  double logp = 0.0;
  for (int64_t j = 0; j < net_act_dim_; ++j) {
    const double z = noise[e][j] * std::exp(-log_std[e][j]);
    const double a = mean[e][j] + noise[e][j];
    logp += -0.5 * z * z - log_std[e][j] - kHalfLog2Pi;
    net_action[j] = static_cast<float>(a);
    env_action[j] =
        std::clamp(static_cast<float>(a), space.low()[j], space.high()[j]);
  }
  return logp;
}

void Ppo::MaybeResampleSde(int64_t t) {
  if (!c_.use_sde) return;
  if (t == 0 || (c_.sde_sample_freq > 0 && t % c_.sde_sample_freq == 0)) {
    sde_.Resample(n_envs_, rng_);
  }
}

ActorCriticImpl::Output Ppo::ForwardMlp(const float* obs, int64_t n) {
  if (!fast_)
    return net_->forward(
        torch::from_blob(const_cast<float*>(obs), {n, obs_dim_}));
  const FastActorCritic::Outputs o = fast_->Forward(obs, n);
  ActorCriticImpl::Output out;
  out.dist = torch::from_blob(const_cast<float*>(o.dist), {n, net_act_dim_});
  out.value = torch::from_blob(const_cast<float*>(o.value), {n});
  return out;
}

double Ppo::BootstrapValue(int64_t e, const ActorCriticImpl::Output& out) {
  auto final_obs = runner_->venv().final_observations();
  auto obs =
      torch::from_blob(const_cast<float*>(final_obs.data()) + e * obs_dim_,
                       {1, obs_dim_})
          .clone();
  if (state_size_ == 0) return net_->forward(obs).value.item<float>();
  return net_->forward(obs, out.h.slice(0, e, e + 1), out.c.slice(0, e, e + 1))
      .value.item<float>();
}

double Ppo::SampleFused(const float* dist, float* net_action,
                        float* env_action) {
  const env::Space& space = runner_->action_space();
  if (discrete_) {
    // torch::log_softmax's arithmetic: (z - max) - log(sum exp(z - max)).
    float max = dist[0];
    for (int64_t k = 1; k < net_act_dim_; ++k) max = std::max(max, dist[k]);
    float sum = 0.0f;
    for (int64_t k = 0; k < net_act_dim_; ++k) sum += std::exp(dist[k] - max);
    const float log_sum = std::log(sum);
    double u = rng_.Uniform(), cum = 0.0;
    int64_t a = net_act_dim_ - 1;
    for (int64_t k = 0; k < net_act_dim_; ++k) {
      cum += std::exp((dist[k] - max) - log_sum);
      if (u < cum) {
        a = k;
        break;
      }
    }
    net_action[0] = static_cast<float>(a);
    env_action[0] = static_cast<float>(a + space.start());
    return (dist[a] - max) - log_sum;
  }
  const float* log_std = fast_->log_std();
  double logp = 0.0;
  for (int64_t j = 0; j < net_act_dim_; ++j) {
    const double z = rng_.Normal();
    const double a = dist[j] + std::exp(log_std[j]) * z;
    logp += -0.5 * z * z - log_std[j] - kHalfLog2Pi;
    net_action[j] = static_cast<float>(a);
    env_action[j] =
        std::clamp(static_cast<float>(a), space.low()[j], space.high()[j]);
  }
  return logp;
}

void Ppo::CollectFused() {
  env::VectorEnv& venv = runner_->venv();
  const int64_t act_cols = discrete_ ? 1 : net_act_dim_;
  for (int64_t t = 0; t < c_.n_steps; ++t) {
    const int64_t row0 = t * n_envs_;
    float* obs = obs_.data() + row0 * obs_dim_;
    std::copy(venv.observations().begin(), venv.observations().end(), obs);
    const float* dist = fast_->ActorForward(obs, n_envs_);
    for (int64_t e = 0; e < n_envs_; ++e) {
      logp_[row0 + e] = static_cast<float>(SampleFused(
          dist + e * net_act_dim_, actions_.data() + (row0 + e) * act_cols,
          env_actions_.data() + e * env_act_size_));
    }
    runner_->Step(env_actions_);
    steps_ += n_envs_;
    for (int64_t e = 0; e < n_envs_; ++e) {
      double reward = venv.rewards()[e];
      if (venv.truncated()[e] && !venv.terminated()[e]) {
        torch::NoGradGuard no_grad;
        reward += c_.gamma * BootstrapValue(e, ActorCriticImpl::Output());
      }
      rewards_[row0 + e] = static_cast<float>(reward);
      ends_[row0 + e] = venv.done(static_cast<int>(e)) ? 1 : 0;
    }
  }
  const int64_t rows = c_.n_steps * n_envs_;
  const int64_t chunk = fast_->max_batch();
  for (int64_t r0 = 0; r0 < rows; r0 += chunk) {
    const int64_t n = std::min(chunk, rows - r0);
    const float* v = fast_->CriticForward(obs_.data() + r0 * obs_dim_, n);
    std::copy(v, v + n, values_.begin() + r0);
  }
  const float* lv = fast_->CriticForward(venv.observations().data(), n_envs_);
  std::copy(lv, lv + n_envs_, last_values_.begin());
  ComputeGae(rewards_, values_, ends_, last_values_, n_envs_, c_.gamma,
             c_.gae_lambda, adv_, ret_);
}

void Ppo::Collect() {
  if (fast_) return CollectFused();
  torch::NoGradGuard no_grad;
  net_->eval();
  env::VectorEnv& venv = runner_->venv();
  const int64_t act_cols = discrete_ ? 1 : net_act_dim_;
  ActorCriticImpl::Output out;
  for (int64_t t = 0; t < c_.n_steps; ++t) {
    const int64_t row0 = t * n_envs_;
    std::copy(venv.observations().begin(), venv.observations().end(),
              obs_.begin() + row0 * obs_dim_);
    auto obs =
        torch::from_blob(obs_.data() + row0 * obs_dim_, {n_envs_, obs_dim_});
    if (state_size_ > 0) {
      std::copy(cur_h_.begin(), cur_h_.end(), h_.begin() + row0 * state_size_);
      std::copy(cur_c_.begin(), cur_c_.end(), cs_.begin() + row0 * state_size_);
      out = net_->forward(
          obs, torch::from_blob(cur_h_.data(), {n_envs_, state_size_}),
          torch::from_blob(cur_c_.data(), {n_envs_, state_size_}));
    } else {
      out = ForwardMlp(obs_.data() + row0 * obs_dim_, n_envs_);
    }
    auto value = out.value.accessor<float, 1>();
    torch::Tensor log_probs;
    if (discrete_) log_probs = torch::log_softmax(out.dist, -1).contiguous();
    if (c_.use_sde) {
      MaybeResampleSde(t);
      sde_noise_ = sde_.Apply(out.latent, net_->log_std()).contiguous();
      sde_log_std_ = net_->LogStd(out).contiguous();
    }
    for (int64_t e = 0; e < n_envs_; ++e) {
      values_[row0 + e] = value[e];
      logp_[row0 + e] = static_cast<float>(SampleAction(
          out, log_probs, e, actions_.data() + (row0 + e) * act_cols,
          env_actions_.data() + e * env_act_size_));
    }
    if (state_size_ > 0) {
      std::memcpy(cur_h_.data(), out.h.data_ptr<float>(),
                  cur_h_.size() * sizeof(float));
      std::memcpy(cur_c_.data(), out.c.data_ptr<float>(),
                  cur_c_.size() * sizeof(float));
    }
    runner_->Step(env_actions_);
    steps_ += n_envs_;
    for (int64_t e = 0; e < n_envs_; ++e) {
      double reward = venv.rewards()[e];
      const bool done = venv.done(static_cast<int>(e));
      if (venv.truncated()[e] && !venv.terminated()[e]) {
        reward += c_.gamma * BootstrapValue(e, out);
      }
      rewards_[row0 + e] = static_cast<float>(reward);
      ends_[row0 + e] = done ? 1 : 0;
      if (done && state_size_ > 0) {
        std::fill_n(cur_h_.begin() + e * state_size_, state_size_, 0.0f);
        std::fill_n(cur_c_.begin() + e * state_size_, state_size_, 0.0f);
      }
    }
  }
  auto obs = torch::from_blob(const_cast<float*>(venv.observations().data()),
                              {n_envs_, obs_dim_});
  auto last =
      state_size_ > 0
          ? net_->forward(
                obs, torch::from_blob(cur_h_.data(), {n_envs_, state_size_}),
                torch::from_blob(cur_c_.data(), {n_envs_, state_size_}))
          : ForwardMlp(venv.observations().data(), n_envs_);
  auto lv = last.value.accessor<float, 1>();
  for (int64_t e = 0; e < n_envs_; ++e) last_values_[e] = lv[e];
  ComputeGae(rewards_, values_, ends_, last_values_, n_envs_, c_.gamma,
             c_.gae_lambda, adv_, ret_);
}

void Ppo::ShuffleRows(std::vector<int64_t>& perm) {
  const int64_t rows = static_cast<int64_t>(perm.size());
  for (int64_t i = 0; i < rows; ++i) perm[i] = i;
  for (int64_t i = rows - 1; i > 0; --i) {
    std::swap(perm[i], perm[rng_.UniformInt(static_cast<uint64_t>(i + 1))]);
  }
}

void Ppo::UpdateFused(Metrics* metrics) {
  const double lr = Schedule(c_.lr_schedule, c_.learning_rate);
  const double clip = Schedule(c_.clip_schedule, c_.policy_clip);
  const int64_t rows = c_.n_steps * n_envs_;
  const FastActorCritic::PpoRollout rollout = {obs_.data(),  actions_.data(),
                                               logp_.data(), adv_.data(),
                                               ret_.data(),  values_.data()};
  FastActorCritic::PpoLossOptions options;
  options.clip_range = clip;
  options.value_clip = c_.value_clip;
  options.ent_coef = c_.ent_coef;
  options.vf_coef = c_.vf_coef;
  options.normalize_advantage = c_.normalize_advantage;
  std::vector<int64_t> perm(rows);
  UpdateSums sums;
  for (int64_t epoch = 0; epoch < c_.n_epochs; ++epoch) {
    ShuffleRows(perm);
    for (int64_t start = 0; start < rows; start += c_.batch_size) {
      const int64_t b = std::min(c_.batch_size, rows - start);
      const FastActorCritic::PpoLossStats s = fast_->PpoLossGrad(
          rollout, {perm.data() + start, static_cast<size_t>(b)}, options);
      ClipGradNormFlat(fast_->grads(), c_.max_grad_norm);
      fast_adam_->Step(fast_->params(), fast_->grads(), lr);
      sums.pg += s.policy_loss;
      sums.v += s.value_loss;
      sums.ent += s.entropy;
      if (epoch + 1 == c_.n_epochs) {  // diagnostics of the last epoch
        sums.kl += s.approx_kl;
        sums.clipped += s.clip_fraction;
      }
      ++sums.batches;
    }
  }
  ++updates_;
  WriteUpdateMetrics(sums, lr, clip, metrics);
}

void Ppo::WriteUpdateMetrics(const UpdateSums& sums, double lr, double clip,
                             Metrics* metrics) {
  const int64_t rows = c_.n_steps * n_envs_;
  // Unbiased variances of the returns and of the value residuals, in double
  // (no libtorch call per iteration).
  double sum_ret = 0, sum_res = 0;
  for (int64_t i = 0; i < rows; ++i) {
    sum_ret += ret_[i];
    sum_res += static_cast<double>(ret_[i]) - values_[i];
  }
  const double mean_ret = sum_ret / rows, mean_res = sum_res / rows;
  double ss_ret = 0, ss_res = 0;
  for (int64_t i = 0; i < rows; ++i) {
    const double r = ret_[i] - mean_ret;
    const double d = static_cast<double>(ret_[i]) - values_[i] - mean_res;
    ss_ret += r * r;
    ss_res += d * d;
  }
  const double var_ret = rows > 1 ? ss_ret / (rows - 1) : 0.0;
  const double var_res = rows > 1 ? ss_res / (rows - 1) : 0.0;
  const double batches = static_cast<double>(sums.batches);
  const double last_epoch_batches = batches / c_.n_epochs;
  (*metrics)["policy_loss"] = sums.pg / batches;
  (*metrics)["value_loss"] = sums.v / batches;
  (*metrics)["entropy"] = sums.ent / batches;
  (*metrics)["approx_kl"] = sums.kl / last_epoch_batches;
  (*metrics)["clip_fraction"] = sums.clipped / last_epoch_batches;
  (*metrics)["learning_rate"] = lr;
  (*metrics)["clip_range"] = clip;
  (*metrics)["explained_variance"] =
      var_ret > 0 ? 1.0 - var_res / var_ret : 0.0;
  if (!discrete_)
    (*metrics)["std"] = net_->log_std().exp().mean().item<double>();
}

void Ppo::Update(Metrics* metrics) {
  if (fast_) return UpdateFused(metrics);
  net_->train();
  const double lr = Schedule(c_.lr_schedule, c_.learning_rate);
  const double clip = Schedule(c_.clip_schedule, c_.policy_clip);
  SetAdamLearningRate(*opt_, lr);
  const int64_t rows = c_.n_steps * n_envs_;
  const int64_t act_cols = discrete_ ? 1 : net_act_dim_;
  auto all_obs = torch::from_blob(obs_.data(), {rows, obs_dim_});
  auto all_act = torch::from_blob(actions_.data(), {rows, act_cols});
  auto all_logp = torch::from_blob(logp_.data(), {rows});
  auto all_adv = torch::from_blob(adv_.data(), {rows});
  auto all_ret = torch::from_blob(ret_.data(), {rows});
  auto all_val = torch::from_blob(values_.data(), {rows});
  torch::Tensor all_h, all_c;
  if (state_size_ > 0) {
    all_h = torch::from_blob(h_.data(), {rows, state_size_});
    all_c = torch::from_blob(cs_.data(), {rows, state_size_});
  }
  std::vector<int64_t> perm(rows);
  // Summed as tensors and read once, to keep the minibatch loop free of
  // scalar extraction.
  torch::Tensor pg_sum = torch::zeros({}), v_sum = torch::zeros({}),
                ent_sum = torch::zeros({}), kl_sum = torch::zeros({}),
                clipped_sum = torch::zeros({});
  int64_t batches = 0;
  for (int64_t epoch = 0; epoch < c_.n_epochs; ++epoch) {
    ShuffleRows(perm);
    for (int64_t start = 0; start < rows; start += c_.batch_size) {
      const int64_t b = std::min(c_.batch_size, rows - start);
      auto idx = torch::from_blob(perm.data() + start, {b}, torch::kLong);
      auto obs = all_obs.index_select(0, idx);
      auto out = state_size_ > 0
                     ? net_->forward(obs, all_h.index_select(0, idx),
                                     all_c.index_select(0, idx))
                     : net_->forward(obs);
      auto logp = net_->LogProb(out, all_act.index_select(0, idx));
      auto entropy = net_->Entropy(out);
      auto adv = all_adv.index_select(0, idx);
      if (c_.normalize_advantage && b > 1) {
        adv = (adv - adv.mean()) / (adv.std() + 1e-8);
      }
      auto log_ratio = logp - all_logp.index_select(0, idx);
      auto ratio = torch::exp(log_ratio);
      auto pg_loss =
          -torch::min(adv * ratio,
                      adv * torch::clamp(ratio, 1.0 - clip, 1.0 + clip))
               .mean();
      auto value = out.value;
      if (c_.value_clip > 0) {
        auto old = all_val.index_select(0, idx);
        value = old + torch::clamp(value - old, -c_.value_clip, c_.value_clip);
      }
      auto v_loss = torch::mse_loss(value, all_ret.index_select(0, idx));
      auto ent_loss = -entropy.mean();
      auto loss = pg_loss + c_.ent_coef * ent_loss + c_.vf_coef * v_loss;
      opt_->zero_grad();
      loss.backward();
      ClipGradNorm(net_->parameters(), c_.max_grad_norm);
      opt_->step();
      {
        torch::NoGradGuard no_grad;
        pg_sum += pg_loss.detach();
        v_sum += v_loss.detach();
        ent_sum -= ent_loss.detach();
        if (epoch + 1 == c_.n_epochs) {  // diagnostics of the last epoch
          kl_sum += ((ratio - 1) - log_ratio).mean().detach();
          clipped_sum += ((ratio - 1).abs() > clip).to(torch::kFloat).mean();
        }
      }
      ++batches;
    }
  }
  ++updates_;
  const UpdateSums sums = {pg_sum.item<double>(),      v_sum.item<double>(),
                           ent_sum.item<double>(),     kl_sum.item<double>(),
                           clipped_sum.item<double>(), batches};
  WriteUpdateMetrics(sums, lr, clip, metrics);
}

Status Ppo::Iterate(Metrics* metrics) {
  try {
    Collect();
    Update(metrics);
  } catch (const std::exception& e) {
    return InternalError(std::string("ppo update failed: ") + e.what());
  }
  return Status::Ok();
}

void Ppo::SaveState(torch::serialize::OutputArchive& archive,
                    nlohmann::json& meta, bool /*with_replay*/) {
  WriteModule(archive, "net", *net_);
  if (fast_) fast_->SaveAdamState(*fast_adam_, *opt_);
  WriteOptimizer(archive, "opt", *opt_);
  meta["steps"] = steps_;
  meta["updates"] = updates_;
  meta["rng"] = RngToJson(rng_);
}

void Ppo::LoadState(torch::serialize::InputArchive& archive,
                    const nlohmann::json& meta) {
  ReadModule(archive, "net", *net_);
  ReadOptimizer(archive, "opt", *opt_);
  if (fast_) {  // loading replaced the parameters' storage
    fast_->Rebind();
    fast_->LoadAdamState(*opt_, *fast_adam_);
  }
  steps_ = meta.at("steps").get<int64_t>();
  updates_ = meta.at("updates").get<int64_t>();
  RngFromJson(meta.at("rng"), rng_);
}

void Ppo::ExportPolicy(torch::serialize::OutputArchive& archive,
                       nlohmann::json& net) {
  WriteModule(archive, "net", *net_);
  net = {{"type", "actor_critic"}, {"spec", net_->spec().ToJson()}};
}

}  // namespace

Result<std::unique_ptr<Algorithm>> MakePpo(const PpoConfig& config,
                                           const AlgoContext& context) {
  const env::Space& a = context.runner->action_space();
  if (a.kind() == env::Space::Kind::kMultiDiscrete) {
    return ValidationError(
        "ppo supports Discrete and Box action spaces",
        {{"env", "action space " + a.ToString() + " is not supported"}});
  }
  if (config.use_sde && a.kind() != env::Space::Kind::kBox) {
    return ValidationError(
        "invalid ppo hyperparameters",
        {{"use_sde", "needs a Box action space, not " + a.ToString()}});
  }
  if (config.policy == "lstm_actor_critic_batch_norm" &&
      config.batch_size < 2) {
    return ValidationError(
        "invalid ppo hyperparameters",
        {{"batch_size", "must be at least 2 with batch norm"}});
  }
  try {
    return std::unique_ptr<Algorithm>(new Ppo(config, context));
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot build ppo networks: ") + e.what());
  }
}

}  // namespace trainyard::rl::internal
