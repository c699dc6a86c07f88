// Typed hyperparameters of every algorithm, with their documented defaults
// (docs/rl.md lists them) and the parsers that validate a ParamMap into them.
// API names map on: alpha/beta = actor/critic learning rate, discount_factor
// = gamma, epochs = n_epochs, learning_rate = the (shared) learning rate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "rl/params.h"

namespace trainyard::rl {

// The algorithms this layer trains.
enum class Algo { kPpo, kDdpg, kTd3, kSac, kDqn, kQLearning };

// "ppo" -> kPpo etc.; VALIDATION_ERROR naming the known algorithms otherwise.
Result<Algo> ParseAlgo(const std::string& name);
const char* AlgoName(Algo algo);

struct PpoConfig {
  int64_t n_envs = 1;             // parallel environments
  int64_t n_steps = 2048;         // buffer_size: steps per env per rollout
  int64_t batch_size = 64;        // minibatch size
  int64_t n_epochs = 10;          // epochs: passes over each rollout
  double learning_rate = 3e-4;    // alpha / learning_rate
  std::string lr_schedule = "constant";  // or "linear" (decays to 0)
  double gamma = 0.99;            // discount_factor
  double gae_lambda = 0.95;
  double policy_clip = 0.2;       // clip_range of the surrogate
  std::string clip_schedule = "constant";  // or "linear"
  double value_clip = 0.0;        // 0 = no value clipping
  double ent_coef = 0.0;
  double vf_coef = 0.5;
  double max_grad_norm = 0.5;
  bool normalize_advantage = true;
  std::string policy = "mlp";     // or "lstm_actor_critic_batch_norm"
  std::vector<int64_t> hidden = {64, 64};
  std::string activation = "tanh";  // or "relu"
  double log_std_init = 0.0;      // Gaussian policies
  bool use_running_statistics = false;  // normalise observations + rewards
  // gSDE (Box actions): state-dependent exploration noise, resampled every
  // sde_sample_freq steps (-1: only at the start of each rollout).
  bool use_sde = false;
  int64_t sde_sample_freq = -1;

  bool operator==(const PpoConfig&) const = default;
};

struct DqnConfig {
  int64_t buffer_size = 1000000;
  int64_t batch_size = 32;
  double learning_rate = 1e-4;
  double gamma = 0.99;            // discount_factor
  double tau = 1.0;               // 1 = hard target copy
  int64_t target_update_interval = 10000;  // env steps
  int64_t train_freq = 4;         // env steps between training rounds
  int64_t gradient_steps = 1;     // epochs: gradient steps per round
  int64_t learning_starts = 100;
  double exploration_fraction = 0.1;
  double exploration_initial_eps = 1.0;
  double exploration_final_eps = 0.05;
  double max_grad_norm = 10.0;
  bool double_dqn = false;
  std::vector<int64_t> hidden = {64, 64};
  bool use_running_statistics = false;
  std::string lr_schedule = "constant";  // or "linear" (decays to 0)

  bool operator==(const DqnConfig&) const = default;
};

// DDPG, TD3 and SAC share this; fields an algorithm does not use are
// rejected by its parser.
struct OffPolicyConfig {
  int64_t buffer_size = 1000000;
  int64_t batch_size = 256;
  double actor_lr = 3e-4;         // alpha
  double critic_lr = 3e-4;        // beta
  double gamma = 0.99;            // discount_factor
  double tau = 0.005;
  int64_t train_freq = 1;
  int64_t gradient_steps = 1;
  int64_t learning_starts = 100;
  std::vector<int64_t> hidden = {256, 256};
  double action_noise = 0.1;      // DDPG/TD3 Gaussian exploration (x half-range)
  int64_t policy_delay = 1;       // TD3: 2
  double target_policy_noise = 0.0;  // TD3: 0.2
  double target_noise_clip = 0.0;    // TD3: 0.5
  // SAC entropy coefficient: ent_coef = "auto" (tuned, starting at 1),
  // "auto_<init>" or a fixed positive number.
  bool auto_ent_coef = true;
  double ent_coef = 1.0;
  double target_entropy = 0.0;    // SAC; 0 with auto_target_entropy = -dim(A)
  bool auto_target_entropy = true;
  double max_grad_norm = 0.0;     // 0 = no clipping
  bool use_running_statistics = false;
  // SAC only: gSDE exploration (rl/internal/sde.h) instead of the
  // state-dependent log-std head; the noise matrix is resampled every
  // sde_sample_freq steps (-1: only when a collection phase starts, i.e.
  // after each round of gradient steps) and before each gradient step.
  bool use_sde = false;
  int64_t sde_sample_freq = -1;
  bool use_sde_at_warmup = false;  // gSDE instead of uniform actions before learning_starts
  double log_std_init = -3.0;      // gSDE log std (SB3's SAC default)

  bool operator==(const OffPolicyConfig&) const = default;
};

struct QLearningConfig {
  double learning_rate = 0.1;
  double gamma = 0.99;            // discount_factor
  // Bins per observation dimension: one value for all, or one per
  // dimension (1 ignores that dimension).
  std::vector<int64_t> bins = {10};
  double obs_clip = 4.0;          // bounds used for infinite Box dimensions
  double exploration_fraction = 0.5;
  double exploration_initial_eps = 1.0;
  double exploration_final_eps = 0.05;

  bool operator==(const QLearningConfig&) const = default;
};

// Each parser validates every parameter (range, type, unknown keys) and
// returns VALIDATION_ERROR with one FieldError per problem.
Result<PpoConfig> ParsePpoConfig(const ParamMap& params);
Result<DqnConfig> ParseDqnConfig(const ParamMap& params);
Result<OffPolicyConfig> ParseOffPolicyConfig(Algo algo, const ParamMap& params);
Result<QLearningConfig> ParseQLearningConfig(const ParamMap& params);

}  // namespace trainyard::rl
