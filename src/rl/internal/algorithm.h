// The interface every trainer implements, and the context the training
// driver (rl/trainer.cc) hands it. INTERNAL to src/rl: includes torch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/rng.h"
#include "core/status.h"
#include "rl/config.h"
#include "rl/internal/env_runner.h"
#include "rl/replay_buffer.h"

namespace trainyard::rl::internal {

using Metrics = std::map<std::string, double>;

// What a trainer needs besides its hyperparameters. The runner is owned by
// the driver and outlives the algorithm.
struct AlgoContext {
  EnvRunner* runner = nullptr;
  uint64_t seed = 0;
  int64_t total_steps = 0;
  // PPO: use the fused small-network path (fast_actor_critic.h) when it
  // computes the network; tests turn it off to compare with libtorch.
  bool fused_networks = true;
};

// One algorithm's training state. Not thread-safe.
class Algorithm {
 public:
  virtual ~Algorithm() = default;

  // Collects experience and updates once (a PPO rollout + epochs, or
  // train_freq env steps + gradient steps), filling `metrics` with the
  // latest losses etc. Errors from torch come back as INTERNAL.
  virtual Status Iterate(Metrics* metrics) = 0;

  // Environment steps taken so far (over all copies).
  virtual int64_t steps() const = 0;

  // Full training state: networks, optimisers, RNG streams, counters and,
  // when `with_replay`, the replay buffer. `meta` gets small JSON values.
  virtual void SaveState(torch::serialize::OutputArchive& archive,
                         nlohmann::json& meta, bool with_replay) = 0;
  // Inverse of SaveState. Throws c10::Error / std::exception on mismatch;
  // the caller converts that into a Status.
  virtual void LoadState(torch::serialize::InputArchive& archive,
                         const nlohmann::json& meta) = 0;

  // What inference needs: the acting network(s) and a JSON description
  // that LoadPolicy (policy.cc) uses to rebuild them.
  virtual void ExportPolicy(torch::serialize::OutputArchive& archive,
                            nlohmann::json& net) = 0;
};

Result<std::unique_ptr<Algorithm>> MakePpo(const PpoConfig& config,
                                           const AlgoContext& context);
Result<std::unique_ptr<Algorithm>> MakeDqn(const DqnConfig& config,
                                           const AlgoContext& context);
Result<std::unique_ptr<Algorithm>> MakeOffPolicy(Algo algo,
                                                 const OffPolicyConfig& config,
                                                 const AlgoContext& context);
Result<std::unique_ptr<Algorithm>> MakeQLearning(const QLearningConfig& config,
                                                 const AlgoContext& context);

// Helpers for state that several algorithms keep.
torch::Tensor BytesToTensor(const std::string& bytes);
std::string TensorToBytes(const torch::Tensor& t);
void WriteModule(torch::serialize::OutputArchive& archive,
                 const std::string& key, torch::nn::Module& module);
void ReadModule(torch::serialize::InputArchive& archive, const std::string& key,
                torch::nn::Module& module);
void WriteOptimizer(torch::serialize::OutputArchive& archive,
                    const std::string& key, torch::optim::Optimizer& optimizer);
void ReadOptimizer(torch::serialize::InputArchive& archive,
                   const std::string& key, torch::optim::Optimizer& optimizer);
// The replay buffer under "replay": its bytes when `with_replay`, else an
// empty tensor; reading an empty one leaves `buffer` as it is. A buffer that
// does not deserialize throws (the checkpoint loader turns it into a Status).
void WriteReplay(torch::serialize::OutputArchive& archive, const ReplayBuffer& buffer,
                 bool with_replay);
void ReadReplay(torch::serialize::InputArchive& archive, ReplayBuffer& buffer);
nlohmann::json RngToJson(const Rng& rng);
void RngFromJson(const nlohmann::json& j, Rng& rng);
// Sets the learning rate of every parameter group of an Adam optimiser.
void SetAdamLearningRate(torch::optim::Adam& optimizer, double lr);

}  // namespace trainyard::rl::internal
