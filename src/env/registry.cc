#include <utility>

#include "env/acrobot.h"
#include "env/cartpole.h"
#include "env/env.h"
#include "env/mountain_car_continuous.h"
#include "env/pendulum.h"
#include "env/time_limit.h"

namespace trainyard::env {
namespace {

// A spec whose make() builds Raw with default arguments, wrapped in
// TimeLimit(max_episode_steps).
template <typename Raw>
Spec MakeSpec(std::string id, int max_episode_steps,
              std::optional<double> reward_threshold) {
  Spec spec;
  spec.id = std::move(id);
  spec.max_episode_steps = max_episode_steps;
  spec.reward_threshold = reward_threshold;
  spec.make = [max_episode_steps]() -> std::unique_ptr<Env> {
    std::unique_ptr<Env> env = std::make_unique<Raw>();
    if (max_episode_steps > 0) {
      env = std::make_unique<TimeLimit>(std::move(env), max_episode_steps);
    }
    return env;
  };
  return spec;
}

}  // namespace

Registry Registry::WithBuiltins() {
  Registry registry;
  // Ids, limits and thresholds as registered in gymnasium/envs/__init__.py.
  registry.Register(MakeSpec<CartPole>(
      "CartPole-v1", CartPole::kMaxEpisodeSteps, CartPole::kRewardThreshold));
  registry.Register(MakeSpec<Pendulum>(
      "Pendulum-v1", Pendulum::kMaxEpisodeSteps, std::nullopt));
  registry.Register(MakeSpec<MountainCarContinuous>(
      "MountainCarContinuous-v0", MountainCarContinuous::kMaxEpisodeSteps,
      MountainCarContinuous::kRewardThreshold));
  registry.Register(MakeSpec<Acrobot>("Acrobot-v1", Acrobot::kMaxEpisodeSteps,
                                      Acrobot::kRewardThreshold));
  return registry;
}

Status Registry::Register(Spec spec) {
  if (specs_.count(spec.id) > 0) {
    return ConflictError("environment id '" + spec.id +
                         "' is already registered");
  }
  std::string id = spec.id;
  specs_.emplace(std::move(id), std::move(spec));
  return Status::Ok();
}

Result<std::unique_ptr<Env>> Registry::Make(const std::string& id) const {
  TY_ASSIGN_OR_RETURN(Spec spec, Find(id));
  return spec.make();
}

Result<EnvFactory> Registry::Factory(const std::string& id) const {
  TY_ASSIGN_OR_RETURN(Spec spec, Find(id));
  return EnvFactory(
      [make = std::move(spec.make)](int) -> Result<std::unique_ptr<Env>> {
        return make();
      });
}

Result<Spec> Registry::Find(const std::string& id) const {
  auto it = specs_.find(id);
  if (it != specs_.end()) return it->second;
  std::string known;
  for (const auto& [name, unused] : specs_) {
    known += known.empty() ? name : ", " + name;
  }
  return NotFoundError("unknown environment id '" + id + "' (known: " + known +
                       ")");
}

std::vector<std::string> Registry::Ids() const {
  std::vector<std::string> ids;
  ids.reserve(specs_.size());
  for (const auto& [id, unused] : specs_) ids.push_back(id);
  return ids;
}

}  // namespace trainyard::env
