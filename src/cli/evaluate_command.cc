// `trainyard evaluate`: runs a trained policy for N episodes on its
// environment and prints the mean and standard deviation of the returns.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "env/env.h"
#include "rl/policy.h"

namespace trainyard::cli {

void RegisterEvaluateCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("evaluate", "Evaluate a trained RL policy");
  struct Args {
    std::string model;
    int episodes = 20;
    bool deterministic = false;
    uint64_t seed = 1000;
  };
  auto args = std::make_shared<Args>();
  cmd->add_option("--model", args->model, "Run directory or policy.tyrl")->required();
  cmd->add_option("--episodes", args->episodes, "Episodes to run")->capture_default_str();
  cmd->add_flag("--deterministic", args->deterministic, "Act with the mode/mean of the policy");
  cmd->add_option("--seed", args->seed, "Seed of the first episode")->capture_default_str();
  cmd->callback([args, exit_code] {
    auto policy = rl::LoadPolicy(args->model, args->seed);
    if (!policy.ok()) {
      std::cerr << "error: " << policy.status().ToString() << "\n";
      *exit_code = policy.status().code() == ErrorCode::kNotFound ? 2 : 1;
      return;
    }
    env::Registry registry = env::Registry::WithBuiltins();
    auto r = rl::Evaluate(**policy, registry, args->episodes, args->deterministic, args->seed);
    if (!r.ok()) {
      std::cerr << "error: " << r.status().ToString() << "\n";
      *exit_code = r.status().code() == ErrorCode::kValidation ? 2 : 1;
      return;
    }
    std::printf("%s on %s: mean return %.2f ± %.2f over %d episodes (%s)\n",
                (*policy)->algo().c_str(), (*policy)->env_id().c_str(), r->mean, r->std,
                args->episodes, args->deterministic ? "deterministic" : "stochastic");
    *exit_code = 0;
  });
}

}  // namespace trainyard::cli
