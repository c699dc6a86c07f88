// Trained policies for inference: LoadPolicy reads a policy.tyrl written by
// Train (no optimiser or replay state), and Policy maps one observation to
// one action, applying the frozen observation statistics saved with it.
// Plain MLP networks run a copy of their weights in allocation-free C++
// (libtorch's per-operator dispatch costs more than their arithmetic); the
// rest (LSTM, gSDE) run libtorch. Evaluate runs a policy for whole
// episodes. The products serve their models through it (there is no
// separate serving layer; docs/development.md).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/env.h"
#include "env/space.h"

namespace trainyard::rl {

// Not thread-safe (stochastic actions and recurrent state are per object);
// load one per serving thread.
class Policy {
 public:
  virtual ~Policy() = default;

  const std::string& algo() const { return algo_; }
  const std::string& env_id() const { return env_id_; }
  const env::Space& observation_space() const { return obs_space_; }
  const env::Space& action_space() const { return action_space_; }

  // Writes the action for raw (unnormalised) observation `obs` into
  // `action`, in the environment's action space (a Discrete action n is the
  // value float(n)). deterministic: the mode/mean; otherwise a sample.
  // VALIDATION_ERROR if the sizes do not match the spaces or obs has
  // non-finite values; INTERNAL on a torch failure.
  Status Act(std::span<const float> obs, bool deterministic,
             std::span<float> action);

  // Starts a new episode (clears a recurrent policy's state).
  virtual void ResetState() {}

  // Whether Act runs the plain C++ forward rather than libtorch's.
  virtual bool plain_forward() const { return false; }

 protected:
  Policy(std::string algo, std::string env_id, env::Space obs_space,
         env::Space action_space, std::vector<double> obs_mean,
         std::vector<double> obs_var);

 private:
  // `obs` is already normalised when the model uses running statistics.
  virtual Status DoAct(std::span<const float> obs, bool deterministic,
                       std::span<float> action) = 0;

  std::string algo_, env_id_;
  env::Space obs_space_, action_space_;
  std::vector<double> obs_mean_, obs_var_;  // empty: no normalisation
  std::vector<float> normalized_;
};

// Which forward Act runs. kAuto: the plain C++ one for plain MLP networks
// (deterministic actions equal libtorch's; values within float rounding),
// libtorch otherwise. kTorch: always libtorch (the reference, for tests).
enum class PolicyBackend { kAuto, kTorch };

// Loads `path`, a policy.tyrl file or a run directory holding one. `seed`
// seeds stochastic actions. NOT_FOUND if missing; CORRUPTION with a clear
// message if the file is damaged, is a training checkpoint rather than a
// policy, or its weights do not match its description.
Result<std::unique_ptr<Policy>> LoadPolicy(
    const std::string& path, uint64_t seed = 0,
    PolicyBackend backend = PolicyBackend::kAuto);

struct EvaluationResult {
  std::vector<double> returns;  // one per episode
  std::vector<int64_t> lengths;
  double mean = 0.0, std = 0.0;  // population std of returns
};

// Runs `episodes` episodes of registry env `policy.env_id()` (episode i
// reset with seed + i). NOT_FOUND for an unknown env; VALIDATION_ERROR if
// the env's spaces differ from the policy's or episodes < 1.
Result<EvaluationResult> Evaluate(Policy& policy, const env::Registry& registry,
                                  int episodes, bool deterministic,
                                  uint64_t seed);

}  // namespace trainyard::rl
