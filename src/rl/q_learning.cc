// Tabular Q-learning (Watkins 1989) with a linear epsilon-greedy schedule.
// Box observations are discretised as documented in rl/discretizer.h; a
// truncated episode bootstraps from its final observation, a terminated one
// does not.
#include <algorithm>

#include "rl/discretizer.h"
#include "rl/internal/algorithm.h"

namespace trainyard::rl::internal {
namespace {

class QLearning : public Algorithm {
 public:
  QLearning(const QLearningConfig& config, const AlgoContext& context, Discretizer disc)
      : c_(config),
        runner_(context.runner),
        total_steps_(context.total_steps),
        n_actions_(context.runner->action_space().n()),
        start_(context.runner->action_space().start()),
        disc_(std::move(disc)),
        table_(disc_.num_states() * n_actions_, 0.0f),
        rng_(context.seed ^ 0x9e3779b97f4a7c15ULL) {}

  Status Iterate(Metrics* metrics) override;
  int64_t steps() const override { return steps_; }
  void SaveState(torch::serialize::OutputArchive& archive, nlohmann::json& meta,
                 bool) override {
    archive.write("table", TableTensor());
    meta["steps"] = steps_;
    meta["rng"] = RngToJson(rng_);
  }
  void LoadState(torch::serialize::InputArchive& archive,
                 const nlohmann::json& meta) override {
    torch::Tensor t;
    archive.read("table", t);
    if (t.numel() != static_cast<int64_t>(table_.size())) {
      throw std::runtime_error("Q-table size differs");
    }
    std::memcpy(table_.data(), t.contiguous().data_ptr<float>(), table_.size() * sizeof(float));
    steps_ = meta.at("steps").get<int64_t>();
    RngFromJson(meta.at("rng"), rng_);
  }
  void ExportPolicy(torch::serialize::OutputArchive& archive, nlohmann::json& net) override {
    archive.write("table", TableTensor());
    net = {{"type", "q_table"}, {"bins", c_.bins}, {"obs_clip", c_.obs_clip}};
  }

 private:
  torch::Tensor TableTensor() {
    return torch::from_blob(table_.data(), {disc_.num_states(), n_actions_}).clone();
  }
  double Epsilon() const {
    const double progress = static_cast<double>(steps_) / static_cast<double>(total_steps_);
    if (c_.exploration_fraction <= 0 || progress >= c_.exploration_fraction) {
      return c_.exploration_final_eps;
    }
    return c_.exploration_initial_eps + progress / c_.exploration_fraction *
                                            (c_.exploration_final_eps - c_.exploration_initial_eps);
  }
  float* Row(int64_t s) { return table_.data() + s * n_actions_; }
  int64_t Greedy(int64_t s) {
    float* row = Row(s);
    return std::max_element(row, row + n_actions_) - row;
  }

  QLearningConfig c_;
  EnvRunner* runner_;
  int64_t total_steps_;
  const int64_t n_actions_, start_;
  Discretizer disc_;
  std::vector<float> table_;
  Rng rng_;
  int64_t steps_ = 0;
};

// One iteration = one episode step block of 1000 env steps (cheap steps).
Status QLearning::Iterate(Metrics* metrics) {
  constexpr int64_t kStepsPerIteration = 1000;
  env::VectorEnv& venv = runner_->venv();
  float action = 0;
  double td_sum = 0;
  for (int64_t k = 0; k < kStepsPerIteration && steps_ < total_steps_; ++k) {
    const int64_t s = disc_.Index(venv.observations());
    const int64_t a = rng_.Uniform() < Epsilon()
                          ? static_cast<int64_t>(rng_.UniformInt(n_actions_))
                          : Greedy(s);
    action = static_cast<float>(a + start_);
    runner_->Step(std::span<const float>(&action, 1));
    ++steps_;
    double target = venv.rewards()[0];
    if (!venv.terminated()[0]) {
      auto next = venv.done(0) ? venv.final_observations() : venv.observations();
      const int64_t s2 = disc_.Index(next);
      target += c_.gamma * Row(s2)[Greedy(s2)];
    }
    float& q = Row(s)[a];
    const double td = target - q;
    q += static_cast<float>(c_.learning_rate * td);
    td_sum += std::abs(td);
  }
  (*metrics)["td_error"] = td_sum / kStepsPerIteration;
  (*metrics)["exploration_rate"] = Epsilon();
  (*metrics)["learning_rate"] = c_.learning_rate;
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Algorithm>> MakeQLearning(const QLearningConfig& config,
                                                 const AlgoContext& context) {
  if (context.runner->action_space().kind() != env::Space::Kind::kDiscrete) {
    return ValidationError("q_learning needs a Discrete action space",
                           {{"env", "action space " + context.runner->action_space().ToString() +
                                        " is not Discrete"}});
  }
  TY_ASSIGN_OR_RETURN(Discretizer disc, Discretizer::Create(context.runner->observation_space(),
                                                            config.bins, config.obs_clip));
  return std::unique_ptr<Algorithm>(new QLearning(config, context, std::move(disc)));
}

}  // namespace trainyard::rl::internal
