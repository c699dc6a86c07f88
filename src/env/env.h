// The environment interface, with Gymnasium's reset/step semantics, and the
// registry of environment specs by id ("CartPole-v1", ...). Adding an
// environment is a one-folder change: implement Env, register a Spec.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/space.h"

namespace trainyard::env {

// Extra per-step information (Gymnasium's `info` dict), numbers only.
// Environments fill it only when the caller passes a non-null Info*, so the
// hot loop need not allocate.
using Info = std::map<std::string, double>;

// Outcome of one step, apart from the observation written by the env.
struct StepResult {
  double reward = 0.0;
  bool terminated = false;  // reached a terminal state of the MDP
  bool truncated = false;   // stopped for an outside reason (time limit)
};

// One environment instance. Not thread-safe; use one per thread (vector
// environments own several). Observations are float32, written into a
// caller-provided buffer of observation_space().flat_size() values.
class Env {
 public:
  virtual ~Env() = default;

  virtual const Space& observation_space() const = 0;
  virtual const Space& action_space() const = 0;

  // Starts a new episode. With a seed, re-seeds the environment's RNG first
  // (Gymnasium's reset(seed=...)); without, continues the current stream.
  // REQUIRES: obs.size() == observation_space().flat_size().
  virtual void Reset(std::optional<uint64_t> seed, std::span<float> obs,
                     Info* info = nullptr) = 0;

  // Applies `action` (action_space().flat_size() values) and writes the next
  // observation. Calling Step after terminated/truncated without Reset is a
  // caller error; environments may assert on it in debug builds.
  virtual StepResult Step(std::span<const float> action, std::span<float> obs,
                          Info* info = nullptr) = 0;
};

// How to build one environment, plus the facts Gymnasium registers with it.
struct Spec {
  std::string id;             // e.g. "CartPole-v1"
  int max_episode_steps = 0;  // 0 = no time limit
  std::optional<double> reward_threshold;
  // Builds an instance with the default configuration; the returned env
  // already includes the TimeLimit wrapper when max_episode_steps > 0.
  std::function<std::unique_ptr<Env>()> make;
};

// Builds one environment instance. `index` is the slot the instance is for
// (copy 0..n-1 of a vector environment; factories that need not tell the
// copies apart ignore it). Called on the caller's thread, once per instance;
// an error status (a bad configuration) is returned to the caller of
// whatever asked for the instance.
using EnvFactory = std::function<Result<std::unique_ptr<Env>>(int index)>;

// Registry of environment ids. A value, not a global: the composition root
// (or a test) builds one and passes it where needed. Thread-safe for
// concurrent const calls; Register needs exclusive access.
class Registry {
 public:
  // A registry holding every built-in environment (CartPole-v1, ...).
  static Registry WithBuiltins();

  // Fails with CONFLICT if the id is taken.
  Status Register(Spec spec);
  // NOT_FOUND with the list of known ids if `id` is unknown.
  Result<std::unique_ptr<Env>> Make(const std::string& id) const;
  Result<Spec> Find(const std::string& id) const;
  // A factory making instances of `id` as Make does. It holds a copy of the
  // spec, so it may outlive the registry. NOT_FOUND as Make.
  Result<EnvFactory> Factory(const std::string& id) const;
  std::vector<std::string> Ids() const;

 private:
  std::map<std::string, Spec> specs_;
};

}  // namespace trainyard::env
