// DQN (Mnih et al. 2015) as in Stable-Baselines3: replay buffer, target
// network updated every target_update_interval steps (Polyak with tau),
// linear epsilon schedule, Huber loss, gradient clipping, and optionally
// double DQN (van Hasselt et al. 2016): the online net picks the next
// action, the target net values it.
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>

#include "rl/internal/algorithm.h"
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
        torch::NoGradGuard no_grad;
        a = q_->forward(torch::from_blob(obs_.data(), {1, obs_dim_})).argmax(1).item<int64_t>();
      }
      action_[0] = static_cast<float>(a + start_);
      runner_->Step(action_);
      ++steps_;
      const bool done = venv.done(0);
      auto next = done ? venv.final_observations() : venv.observations();
      float stored = static_cast<float>(a);
      buffer_.Add(obs_, std::span<const float>(&stored, 1),
                  static_cast<float>(venv.rewards()[0]), next, venv.terminated()[0] != 0);
      if (steps_ % c_.target_update_interval == 0) PolyakUpdate(*q_, *target_, c_.tau);
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
