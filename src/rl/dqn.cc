// DQN (Mnih et al. 2015) as in Stable-Baselines3: replay buffer, target
// network updated every target_update_interval steps (Polyak with tau),
// linear epsilon schedule, Huber loss, gradient clipping, and optionally
// double DQN (van Hasselt et al. 2016): the online net picks the next
// action, the target net values it. The Q-network and its target run on
// the fused small-network path (fused_mlp.h, flat_params.h) unless the
// context turns it off: the same update in plain C++ on flat buffers that
// the torch modules view, so checkpoints and exported policies are
// unchanged.
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>

#include "rl/internal/algorithm.h"
#include "rl/internal/flat_adam.h"
#include "rl/internal/flat_params.h"
#include "rl/internal/fused_mlp.h"
#include "rl/internal/nets.h"
#include "rl/replay_buffer.h"

namespace trainyard::rl::internal {
namespace {

class Dqn : public Algorithm {
 public:
  Dqn(const DqnConfig& config, const AlgoContext& context);

  Status Iterate(Metrics* metrics) override;
  int64_t steps() const override { return steps_; }
  void SaveState(torch::serialize::OutputArchive& archive, nlohmann::json& meta,
                 bool with_replay) override;
  void LoadState(torch::serialize::InputArchive& archive,
                 const nlohmann::json& meta) override;
  void ExportPolicy(torch::serialize::OutputArchive& archive,
                    nlohmann::json& net) override;

 private:
  double Epsilon() const;
  double LearningRate() const;  // lr_schedule at the current step
  void Train(Metrics* metrics);
  // Train on the fused path: the same gradient steps and metrics.
  void TrainFused(Metrics* metrics);
  // The greedy action for obs_.
  int64_t GreedyAction();

  DqnConfig c_;
  EnvRunner* runner_;
  int64_t total_steps_;
  const int64_t obs_dim_, n_actions_, start_;
  at::Generator gen_;
  Mlp q_{nullptr}, target_{nullptr};
  std::unique_ptr<torch::optim::Adam> opt_;
  ReplayBuffer buffer_;
  Rng rng_;
  int64_t steps_ = 0, gradient_steps_done_ = 0;
  std::vector<float> obs_, action_;
  TransitionBatch batch_;
  double last_loss_ = 0, last_q_ = 0;

  // The fused path (null when it is turned off).
  std::unique_ptr<FlatParams> q_flat_, target_flat_;
  // The Q-network on obs, the Q-network on next obs (double DQN), the
  // target network on next obs.
  std::unique_ptr<FusedMlp> q_net_, q_next_net_, target_net_;
  std::unique_ptr<FlatAdam> adam_;
  std::vector<float> target_values_, d_q_, grads_;
};

Dqn::Dqn(const DqnConfig& config, const AlgoContext& context)
    : c_(config),
      runner_(context.runner),
      total_steps_(context.total_steps),
      obs_dim_(context.runner->obs_dim()),
      n_actions_(context.runner->action_space().n()),
      start_(context.runner->action_space().start()),
      gen_(at::make_generator<at::CPUGeneratorImpl>(context.seed)),
      buffer_(config.buffer_size, context.runner->obs_dim(), 1),
      rng_(context.seed ^ 0x9e3779b97f4a7c15ULL) {
  q_ = Mlp(obs_dim_, c_.hidden, n_actions_, Activation::kRelu, 0.0, gen_);
  target_ = Mlp(obs_dim_, c_.hidden, n_actions_, Activation::kRelu, 0.0, gen_);
  HardUpdate(*q_, *target_);
  opt_ = std::make_unique<torch::optim::Adam>(q_->parameters(),
                                              torch::optim::AdamOptions(c_.learning_rate));
  obs_.resize(obs_dim_);
  action_.resize(1);
  if (context.fused_networks) {
    const int64_t b = c_.batch_size;
    std::vector<int64_t> sizes = {obs_dim_};
    sizes.insert(sizes.end(), c_.hidden.begin(), c_.hidden.end());
    sizes.push_back(n_actions_);
    q_flat_ = std::make_unique<FlatParams>(q_->parameters());
    target_flat_ = std::make_unique<FlatParams>(target_->parameters());
    q_net_ = std::make_unique<FusedMlp>(sizes, /*tanh=*/false, b);
    q_next_net_ = std::make_unique<FusedMlp>(sizes, /*tanh=*/false, b);
    target_net_ = std::make_unique<FusedMlp>(sizes, /*tanh=*/false, b);
    adam_ = std::make_unique<FlatAdam>(q_flat_->size());
    target_values_.resize(b);
    d_q_.resize(b * n_actions_);
    grads_.resize(q_flat_->size());
  }
}

// The first index of the largest of n values, as torch's argmax.
static int64_t ArgMax(const float* v, int64_t n) {
  int64_t best = 0;
  for (int64_t k = 1; k < n; ++k) {
    if (v[k] > v[best]) best = k;
  }
  return best;
}

int64_t Dqn::GreedyAction() {
  if (q_net_) {
    return ArgMax(q_net_->Forward(q_flat_->values(), obs_.data(), 1, q_flat_->version()),
                  n_actions_);
  }
  torch::NoGradGuard no_grad;
  return q_->forward(torch::from_blob(obs_.data(), {1, obs_dim_})).argmax(1).item<int64_t>();
}

void Dqn::TrainFused(Metrics* metrics) {
  const double lr = LearningRate();
  SetAdamLearningRate(*opt_, lr);  // what the checkpoint records
  const int64_t b = c_.batch_size;
  const float inv_b = 1.0f / static_cast<float>(b);
  const float gamma = static_cast<float>(c_.gamma);
  for (int64_t g = 0; g < c_.gradient_steps; ++g) {
    buffer_.Sample(b, rng_, &batch_);
    const float* next_q = target_net_->Forward(target_flat_->values(), batch_.next_obs.data(),
                                               b, target_flat_->version());
    const float* pick_q = nullptr;
    if (c_.double_dqn) {
      pick_q = q_next_net_->Forward(q_flat_->values(), batch_.next_obs.data(), b,
                                    q_flat_->version());
    }
    for (int64_t r = 0; r < b; ++r) {
      const float* row = next_q + r * n_actions_;
      const float best =
          row[ArgMax(pick_q != nullptr ? pick_q + r * n_actions_ : row, n_actions_)];
      target_values_[r] = batch_.rewards[r] + gamma * (1.0f - batch_.terminated[r]) * best;
    }
    const float* q = q_net_->Forward(q_flat_->values(), batch_.obs.data(), b,
                                     q_flat_->version());
    // torch::smooth_l1_loss (beta 1, mean) of the taken actions' values and
    // its gradient.
    std::fill(d_q_.begin(), d_q_.end(), 0.0f);
    double loss = 0.0, q_sum = 0.0;
    for (int64_t r = 0; r < b; ++r) {
      const int64_t a = static_cast<int64_t>(batch_.actions[r]);
      const float qa = q[r * n_actions_ + a];
      const float diff = qa - target_values_[r];
      const float abs = std::abs(diff);
      loss += abs < 1.0f ? 0.5f * diff * diff : abs - 0.5f;
      q_sum += qa;
      d_q_[r * n_actions_ + a] = (diff < -1.0f ? -1.0f : diff > 1.0f ? 1.0f : diff) * inv_b;
    }
    q_net_->Backward(q_flat_->values(), d_q_.data(), grads_.data());
    ClipGradNormFlat(grads_, c_.max_grad_norm);
    adam_->Step(q_flat_->mutable_values(), grads_, lr);
    ++gradient_steps_done_;
    last_loss_ = loss / static_cast<double>(b);
    last_q_ = q_sum / static_cast<double>(b);
  }
  (*metrics)["loss"] = last_loss_;
  (*metrics)["q_mean"] = last_q_;
}

double Dqn::Epsilon() const {
  const double progress = static_cast<double>(steps_) / static_cast<double>(total_steps_);
  if (c_.exploration_fraction <= 0 || progress >= c_.exploration_fraction) {
    return c_.exploration_final_eps;
  }
  return c_.exploration_initial_eps +
         progress / c_.exploration_fraction *
             (c_.exploration_final_eps - c_.exploration_initial_eps);
}

double Dqn::LearningRate() const {
  if (c_.lr_schedule != "linear") return c_.learning_rate;
  const double remaining =
      1.0 - static_cast<double>(steps_) / static_cast<double>(total_steps_);
  return c_.learning_rate * std::max(remaining, 0.0);
}

void Dqn::Train(Metrics* metrics) {
  if (q_net_) {
    TrainFused(metrics);
    return;
  }
  SetAdamLearningRate(*opt_, LearningRate());
  for (int64_t g = 0; g < c_.gradient_steps; ++g) {
    buffer_.Sample(c_.batch_size, rng_, &batch_);
    const int64_t b = c_.batch_size;
    auto obs = torch::from_blob(batch_.obs.data(), {b, obs_dim_});
    auto next = torch::from_blob(batch_.next_obs.data(), {b, obs_dim_});
    auto actions = torch::from_blob(batch_.actions.data(), {b, 1}).to(torch::kLong);
    auto rewards = torch::from_blob(batch_.rewards.data(), {b});
    auto terminated = torch::from_blob(batch_.terminated.data(), {b});
    torch::Tensor target;
    {
      torch::NoGradGuard no_grad;
      auto next_q = target_->forward(next);
      torch::Tensor best;
      if (c_.double_dqn) {
        auto pick = q_->forward(next).argmax(1, true);
        best = next_q.gather(1, pick).squeeze(1);
      } else {
        best = std::get<0>(next_q.max(1));
      }
      target = rewards + c_.gamma * (1 - terminated) * best;
    }
    auto q = q_->forward(obs).gather(1, actions).squeeze(1);
    auto loss = torch::smooth_l1_loss(q, target);
    opt_->zero_grad();
    loss.backward();
    ClipGradNorm(q_->parameters(), c_.max_grad_norm);
    opt_->step();
    ++gradient_steps_done_;
    last_loss_ = loss.item<double>();
    last_q_ = q.mean().item<double>();
  }
  (*metrics)["loss"] = last_loss_;
  (*metrics)["q_mean"] = last_q_;
}

Status Dqn::Iterate(Metrics* metrics) {
  try {
    env::VectorEnv& venv = runner_->venv();
    for (int64_t k = 0; k < c_.train_freq; ++k) {
      std::copy(venv.observations().begin(), venv.observations().end(), obs_.begin());
      int64_t a;
      if (steps_ < c_.learning_starts || rng_.Uniform() < Epsilon()) {
        a = static_cast<int64_t>(rng_.UniformInt(n_actions_));
      } else {
        a = GreedyAction();
      }
      action_[0] = static_cast<float>(a + start_);
      runner_->Step(action_);
      ++steps_;
      const bool done = venv.done(0);
      auto next = done ? venv.final_observations() : venv.observations();
      float stored = static_cast<float>(a);
      buffer_.Add(obs_, std::span<const float>(&stored, 1),
                  static_cast<float>(venv.rewards()[0]), next, venv.terminated()[0] != 0);
      if (steps_ % c_.target_update_interval == 0) {
        if (q_flat_) {
          PolyakFlat(*q_flat_, *target_flat_, c_.tau);
        } else {
          PolyakUpdate(*q_, *target_, c_.tau);
        }
      }
    }
    if (steps_ > c_.learning_starts && buffer_.size() >= 1) Train(metrics);
    (*metrics)["exploration_rate"] = Epsilon();
    (*metrics)["learning_rate"] = LearningRate();
  } catch (const std::exception& e) {
    return InternalError(std::string("dqn update failed: ") + e.what());
  }
  return Status::Ok();
}

void Dqn::SaveState(torch::serialize::OutputArchive& archive, nlohmann::json& meta,
                    bool with_replay) {
  if (adam_) q_flat_->SaveAdamState(*adam_, *opt_);
  WriteModule(archive, "q", *q_);
  WriteModule(archive, "target", *target_);
  WriteOptimizer(archive, "opt", *opt_);
  WriteReplay(archive, buffer_, with_replay);
  meta["steps"] = steps_;
  meta["gradient_steps"] = gradient_steps_done_;
  meta["rng"] = RngToJson(rng_);
}

void Dqn::LoadState(torch::serialize::InputArchive& archive,
                    const nlohmann::json& meta) {
  ReadModule(archive, "q", *q_);
  ReadModule(archive, "target", *target_);
  ReadOptimizer(archive, "opt", *opt_);
  if (adam_) {  // loading replaced the parameters' storage
    q_flat_->Rebind();
    target_flat_->Rebind();
    q_flat_->LoadAdamState(*opt_, *adam_);
  }
  ReadReplay(archive, buffer_);
  steps_ = meta.at("steps").get<int64_t>();
  gradient_steps_done_ = meta.at("gradient_steps").get<int64_t>();
  RngFromJson(meta.at("rng"), rng_);
}

void Dqn::ExportPolicy(torch::serialize::OutputArchive& archive, nlohmann::json& net) {
  WriteModule(archive, "net", *q_);
  net = {{"type", "mlp"}, {"in", obs_dim_}, {"hidden", c_.hidden},
         {"out", n_actions_}, {"activation", "relu"}, {"head", "argmax"}};
}

}  // namespace

Result<std::unique_ptr<Algorithm>> MakeDqn(const DqnConfig& config,
                                           const AlgoContext& context) {
  const env::Space& a = context.runner->action_space();
  if (a.kind() != env::Space::Kind::kDiscrete) {
    return ValidationError("dqn needs a Discrete action space",
                           {{"env", "action space " + a.ToString() + " is not Discrete"}});
  }
  try {
    return std::unique_ptr<Algorithm>(new Dqn(config, context));
  } catch (const std::exception& e) {
    return InternalError(std::string("cannot build dqn networks: ") + e.what());
  }
}

}  // namespace trainyard::rl::internal
