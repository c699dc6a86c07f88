// EdgeScaling-v0 stepping speed on one core (goal: >= 1,000,000 steps/s),
// printed with a ratio against a baseline measured in the same run: the
// same environment stepped through the generic path that asks for the Info
// map every step (a std::map filled with 8 keys, as a Gymnasium-style
// wrapper that logs info would), which allocates.
//
// Usage: taskset -c 0 edge_scaling_bench [steps]   (default 5,000,000)
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "env/edge_scaling/baselines.h"
#include "env/edge_scaling/edge_scaling.h"
#include "env/edge_scaling/groups.h"

namespace {

namespace edge = trainyard::env::edge;
using Clock = std::chrono::steady_clock;

// CPU time of this thread: on a shared machine it measures the work, not
// the time other processes held the core.
double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Result {
  double steps_per_second = 0.0;      // wall clock
  double steps_per_cpu_second = 0.0;  // thread CPU time
  double checksum = 0.0;              // keeps the work observable
};

// Steps `env` with actions cycling through every count; `info` (may be
// null) is passed to every step.
Result Run(edge::EdgeScalingEnv& env, int64_t steps, trainyard::env::Info* info,
           edge::ScalingPolicy* policy) {
  std::vector<float> obs(env.observation_space().flat_size());
  std::vector<float> action(env.action_space().flat_size());
  env.Reset(1, obs);
  Result r;
  const auto start = Clock::now();
  const double cpu_start = ThreadCpuSeconds();
  for (int64_t t = 0; t < steps; ++t) {
    if (policy != nullptr) {
      policy->Act(obs, action);
    } else {
      for (size_t i = 0; i < action.size(); ++i) {
        action[i] = static_cast<float>((t + i) % 5);
      }
    }
    trainyard::env::StepResult s = env.Step(action, obs, info);
    r.checksum += s.reward;
    if (s.truncated) env.Reset(std::nullopt, obs);
  }
  const double secs =
      std::chrono::duration<double>(Clock::now() - start).count();
  r.steps_per_second = steps / secs;
  r.steps_per_cpu_second = steps / (ThreadCpuSeconds() - cpu_start);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t steps = argc > 1 ? std::atoll(argv[1]) : 5000000;
  for (const edge::LoadGroup& group : edge::BuiltinGroups()) {
    const edge::EdgeScalingConfig config =
        edge::WithGroup(edge::EdgeScalingConfig{}, group);
    edge::EdgeScalingEnv env(config);
    edge::HpaPolicy hpa(config);
    trainyard::env::Info info;
    const Result fast = Run(env, steps, nullptr, nullptr);
    const Result with_hpa = Run(env, steps, nullptr, &hpa);
    const Result baseline = Run(env, steps / 5, &info, nullptr);
    std::printf(
        "%-8s Step: %5.2f M steps/s (%5.2f per CPU-s)   HPA+Step: %5.2f "
        "(%5.2f)   baseline (Info map): %5.2f (%5.2f)   ratio %.1fx   "
        "(checksum %.3g)\n",
        group.id.c_str(), fast.steps_per_second / 1e6,
        fast.steps_per_cpu_second / 1e6, with_hpa.steps_per_second / 1e6,
        with_hpa.steps_per_cpu_second / 1e6, baseline.steps_per_second / 1e6,
        baseline.steps_per_cpu_second / 1e6,
        fast.steps_per_cpu_second / baseline.steps_per_cpu_second,
        fast.checksum + with_hpa.checksum + baseline.checksum);
  }
  return 0;
}
