// Learning check of the edge-scaling gym: PPO and DQN trained on
// EdgeScaling-v0 against the HPA rule, static (1 replica) and max-replica
// policies on the steady, diurnal and bursty groups, several seeds each.
// Every policy is evaluated on the same held-out episodes (deterministic
// actions unless --sample, seed 1000 + s); the table gives mean latency,
// p95 of the per-step latency, replicas used and reward per step, averaged
// over seeds.
// The reward column always uses the environment's default weights (replica,
// imbalance and infeasible costs of EdgeScalingConfig{}), whatever weights
// --env trained the agents with, so that rows trained with a shaped reward
// stay comparable. Agents trained with a replica budget (--env
// {"replica_budget": B}, docs/gym.md) pay an adaptive replica price only
// while training; evaluation runs EdgeScalingEnv, which never adapts it.
//
// Usage: gym_reference [--seeds N] [--steps N] [--eval-steps N] [--out DIR]
//                      [--groups steady,diurnal,bursty] [--algos ppo,dqn]
//                      [--env JSON] [--params JSON] [--first-seed N]
//                      [--tag TEXT] [--hpa-targets 0.6,0.9] [--per-seed 1]
//                      [--sample 1]
// --env: the agents' environment settings as POST /training takes them
// (docs/gym.md; default: the gym's defaults); --params: hyperparameters
// for every agent (default: the gym's defaults); --tag: appended to the
// agents' row names ("dqn rc=0.02") and run directories, to tell sweeps
// apart; --hpa-targets: extra HPA rows with these utilisation targets
// (the default row uses 0.75); --algos "" evaluates the baselines only;
// --per-seed 1 also prints every seed's figures after each group's table;
// --sample 1 evaluates the agents with sampled actions (seeded per seed)
// instead of deterministic ones — what a policy trained under a replica
// budget needs to keep its mix of actions (docs/gym.md).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/groups.h"
#include "env/edge_scaling/per_service.h"
#include "env/edge_scaling/replica_budget.h"
#include "products/gym/task_spec.h"
#include "rl/policy.h"
#include "rl/trainer.h"

namespace {

namespace edge = trainyard::env::edge;
namespace rl = trainyard::rl;
using trainyard::Result;
using trainyard::Status;

struct Options {
  int seeds = 5;
  int64_t steps = 20000;
  int64_t eval_steps = 1000;
  std::string out = "gym-reference-runs";
  std::vector<std::string> groups = {"steady", "diurnal", "bursty"};
  std::vector<std::string> algos = {"ppo", "dqn"};
  nlohmann::json env = nlohmann::json::object();
  nlohmann::json params = nlohmann::json::object();
  int first_seed = 0;
  std::string tag;
  std::vector<double> hpa_targets;
  bool per_seed = false;
  bool sample = false;  // agents act with sampled, not deterministic, actions
};

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

struct Row {
  double latency = 0, p95 = 0, replicas = 0, reward = 0, slo = 0;
  int n = 0;
  std::vector<edge::PolicyRun> runs;  // one per seed, in seed order
  void Add(const edge::PolicyRun& r) {
    runs.push_back(r);
    latency += r.mean_latency_ms;
    p95 += r.p95_latency_ms;
    replicas += r.mean_replicas;
    reward += r.mean_reward;
    slo += r.slo_rate;
    ++n;
  }
};

// Runs `act` on `config`'s load with the default reward weights, so that
// every row's reward is the one the issue defines (latency and replicas do
// not depend on the weights).
Result<edge::PolicyRun> Evaluate(edge::EdgeScalingConfig config,
                                 const edge::ActFn& act, int64_t steps,
                                 uint64_t seed) {
  const edge::EdgeScalingConfig defaults;
  config.replica_cost = defaults.replica_cost;
  config.imbalance_cost = defaults.imbalance_cost;
  config.infeasible_penalty = defaults.infeasible_penalty;
  edge::EdgeScalingEnv env(config);
  return edge::RunPolicy(env, act, steps, seed);
}

edge::ActFn BaselineAct(edge::ScalingPolicy* b) {
  return [b](std::span<const float> obs, std::span<float> action) {
    b->Act(obs, action);
    return Status::Ok();
  };
}

Result<edge::PolicyRun> TrainAndEvaluate(const std::string& algo,
                                         const edge::LoadGroup& group, int seed,
                                         const Options& o) {
  TY_ASSIGN_OR_RETURN(edge::EdgeScalingConfig config,
                      trainyard::gym::ParseEnvironment(o.env, group));
  TY_RETURN_IF_ERROR(trainyard::gym::ApplyEncoding(algo, &config));
  TY_ASSIGN_OR_RETURN(rl::ParamMap user,
                      trainyard::gym::ParamsFromJson(o.params));
  rl::TrainOptions t;
  TY_ASSIGN_OR_RETURN(
      t.config, rl::ParseAlgoConfig(
                    algo, trainyard::gym::WithGymDefaults(algo, config, user)));
  t.env_id = edge::kEnvId;
  // --steps counts full environment steps; per_service takes one agent
  // step per service for each.
  t.total_steps = o.steps * edge::AgentStepsPerStep(config);
  t.seed = static_cast<uint64_t>(seed);
  t.out_dir = o.out + "/" + group.id + "-" + algo +
              (o.tag.empty() ? "" : "-" + o.tag) + "-" + std::to_string(seed);
  for (char& ch : t.out_dir) {
    if (ch == ' ' || ch == '=') ch = '_';
  }
  std::filesystem::remove_all(t.out_dir);
  t.log_interval = o.steps / 20;
  TY_ASSIGN_OR_RETURN(
      rl::TrainResult trained,
      rl::Train(t,
                [&config](int) -> Result<std::unique_ptr<trainyard::env::Env>> {
                  return edge::MakeTrainingEnv(config);
                }));
  TY_ASSIGN_OR_RETURN(std::unique_ptr<rl::Policy> policy,
                      rl::LoadPolicy(trained.policy_path, 1000 + seed));
  rl::Policy* p = policy.get();
  const bool deterministic = !o.sample;
  const edge::ActFn act = [p, deterministic](std::span<const float> obs,
                                             std::span<float> action) {
    return p->Act(obs, deterministic, action);
  };
  return Evaluate(config, edge::FullStepAct(config, act), o.eval_steps,
                  1000 + seed);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--seeds")
      o.seeds = std::atoi(value.c_str());
    else if (flag == "--steps")
      o.steps = std::atoll(value.c_str());
    else if (flag == "--eval-steps")
      o.eval_steps = std::atoll(value.c_str());
    else if (flag == "--out")
      o.out = value;
    else if (flag == "--groups")
      o.groups = Split(value);
    else if (flag == "--algos")
      o.algos = Split(value);
    else if (flag == "--env")
      o.env = nlohmann::json::parse(value);
    else if (flag == "--params")
      o.params = nlohmann::json::parse(value);
    else if (flag == "--first-seed")
      o.first_seed = std::atoi(value.c_str());
    else if (flag == "--tag")
      o.tag = value;
    else if (flag == "--sample")
      o.sample = std::atoi(value.c_str()) != 0;
    else if (flag == "--per-seed")
      o.per_seed = std::atoi(value.c_str()) != 0;
    else if (flag == "--hpa-targets")
      for (const std::string& t : Split(value))
        o.hpa_targets.push_back(std::atof(t.c_str()));
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  std::printf(
      "| group | policy | mean latency ms | p95 latency ms | replicas | "
      "reward/step | SLO steps |\n|---|---|---:|---:|---:|---:|---:|\n");
  for (const std::string& gid : o.groups) {
    Result<edge::LoadGroup> group = edge::FindBuiltinGroup(gid);
    if (!group.ok()) {
      std::fprintf(stderr, "%s\n", group.status().ToString().c_str());
      return 2;
    }
    std::map<std::string, Row> rows;
    std::vector<std::string> order;
    for (int seed = o.first_seed; seed < o.first_seed + o.seeds; ++seed) {
      edge::EdgeScalingConfig config =
          edge::WithGroup(edge::EdgeScalingConfig{}, *group);
      for (const char* name : {"hpa", "static", "max_replicas"}) {
        auto baseline = edge::MakeBaseline(name, config, 1);
        auto run = Evaluate(config, BaselineAct(baseline->get()), o.eval_steps,
                            1000 + seed);
        if (seed == o.first_seed) order.push_back(name);
        rows[name].Add(*run);
      }
      for (double target : o.hpa_targets) {
        edge::HpaPolicy hpa(config, target);
        auto run =
            Evaluate(config, BaselineAct(&hpa), o.eval_steps, 1000 + seed);
        char name[32];
        std::snprintf(name, sizeof name, "hpa@%.2f", target);
        if (seed == o.first_seed) order.push_back(name);
        rows[name].Add(*run);
      }
      for (const std::string& algo : o.algos) {
        auto run = TrainAndEvaluate(algo, *group, seed, o);
        if (!run.ok()) {
          std::fprintf(stderr, "%s seed %d: %s\n", algo.c_str(), seed,
                       run.status().ToString().c_str());
          return 1;
        }
        const std::string name = o.tag.empty() ? algo : algo + " " + o.tag;
        if (seed == o.first_seed) order.push_back(name);
        rows[name].Add(*run);
      }
    }
    for (const std::string& name : order) {
      const Row& r = rows[name];
      std::printf("| %s | %s | %.1f | %.1f | %.2f | %.3f | %.2f |\n",
                  gid.c_str(), name.c_str(), r.latency / r.n, r.p95 / r.n,
                  r.replicas / r.n, r.reward / r.n, r.slo / r.n);
    }
    if (o.per_seed) {
      std::printf(
          "\n| group | policy | seed | mean latency ms | p95 latency ms | "
          "replicas | reward/step |\n|---|---|---:|---:|---:|---:|---:|\n");
      for (const std::string& name : order) {
        const Row& r = rows[name];
        for (size_t i = 0; i < r.runs.size(); ++i) {
          const edge::PolicyRun& run = r.runs[i];
          std::printf("| %s | %s | %d | %.1f | %.1f | %.2f | %.3f |\n",
                      gid.c_str(), name.c_str(),
                      o.first_seed + static_cast<int>(i), run.mean_latency_ms,
                      run.p95_latency_ms, run.mean_replicas, run.mean_reward);
        }
      }
      std::printf("\n");
    }
    std::fflush(stdout);
  }
  return 0;
}
