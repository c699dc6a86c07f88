// Raw CartPole-v1 stepping speed on one core, printed with a ratio against a
// baseline measured in the same run.
//
// Baseline: a straightforward C++ CartPole as commonly written (the same
// physics), whose step takes the action as std::vector<float> and returns a
// freshly allocated std::vector<float> observation plus an std::map info, and
// which resets with std::mt19937 + std::uniform_real_distribution. Python
// Gymnasium is not installable here (no PyPI), so this is the honest in-run
// reference. Both loops run the same action sequence with autoreset.
//
// It then prints the raw stepping speed of every registry environment.
//
// Usage: env_cartpole_bench [steps]   (default 50,000,000)
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "core/rng.h"
#include "env/cartpole.h"
#include "env/env.h"
#include "env/vector_env.h"

namespace {

using Clock = std::chrono::steady_clock;

// Cheap action stream so the measurement is the environment, not an RNG.
struct ActionBits {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  float Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<float>(s & 1);
  }
};

class NaiveCartPole {
 public:
  struct StepOut {
    std::vector<float> obs;
    double reward;
    bool terminated;
    std::map<std::string, double> info;
  };
  explicit NaiveCartPole(unsigned seed) : gen_(seed) {}
  std::vector<float> Reset() {
    std::uniform_real_distribution<double> u(-0.05, 0.05);
    state_ = {u(gen_), u(gen_), u(gen_), u(gen_)};
    return {static_cast<float>(state_[0]), static_cast<float>(state_[1]),
            static_cast<float>(state_[2]), static_cast<float>(state_[3])};
  }
  StepOut Step(std::vector<float> action) {
    double x = state_[0], x_dot = state_[1], theta = state_[2],
           theta_dot = state_[3];
    const double force = action[0] == 1.0f ? 10.0 : -10.0;
    const double c = std::cos(theta), s = std::sin(theta);
    const double temp = (force + 0.05 * theta_dot * theta_dot * s) / 1.1;
    const double thetaacc =
        (9.8 * s - c * temp) / (0.5 * (4.0 / 3.0 - 0.1 * c * c / 1.1));
    const double xacc = temp - 0.05 * thetaacc * c / 1.1;
    x += 0.02 * x_dot;
    x_dot += 0.02 * xacc;
    theta += 0.02 * theta_dot;
    theta_dot += 0.02 * thetaacc;
    state_ = {x, x_dot, theta, theta_dot};
    StepOut out;
    out.obs = {static_cast<float>(x), static_cast<float>(x_dot),
               static_cast<float>(theta), static_cast<float>(theta_dot)};
    out.terminated = x < -2.4 || x > 2.4 || theta < -0.20943951023931953 ||
                     theta > 0.20943951023931953;
    out.reward = 1.0;
    out.info["steps"] = 1.0;
    return out;
  }

 private:
  std::mt19937 gen_;
  std::vector<double> state_;
};

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Returns steps per second; `checksum` keeps the optimiser honest.
double RunOurs(int64_t steps, double* checksum) {
  std::unique_ptr<trainyard::env::Env> env =
      std::make_unique<trainyard::env::CartPole>();
  float obs[4];
  float action[1];
  ActionBits bits;
  double sum = 0;
  env->Reset(1, obs);
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < steps; ++i) {
    action[0] = bits.Next();
    const trainyard::env::StepResult r = env->Step(action, obs);
    sum += r.reward;
    if (r.terminated) env->Reset(std::nullopt, obs);
  }
  const auto t1 = Clock::now();
  *checksum = sum + obs[0];
  return steps / Seconds(t0, t1);
}

double RunVector(int64_t steps, int num_envs, double* checksum) {
  trainyard::env::Registry registry = trainyard::env::Registry::WithBuiltins();
  auto venv =
      trainyard::env::VectorEnv::Make(registry, "CartPole-v1", num_envs);
  if (!venv.ok()) {
    std::fprintf(stderr, "%s\n", venv.status().ToString().c_str());
    std::exit(1);
  }
  std::vector<float> actions(num_envs);
  ActionBits bits;
  double sum = 0;
  venv->Reset(1);
  const int64_t iterations = steps / num_envs;
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < iterations; ++i) {
    for (float& a : actions) a = bits.Next();
    venv->Step(actions);
    sum += venv->rewards()[0];
  }
  const auto t1 = Clock::now();
  *checksum = sum + venv->observations()[0];
  return iterations * num_envs / Seconds(t0, t1);
}

// Raw stepping of a registry environment (with its TimeLimit) with actions
// cycling through a precomputed table of valid samples.
double RunRegistryEnv(const std::string& id, int64_t steps, double* checksum) {
  trainyard::env::Registry registry = trainyard::env::Registry::WithBuiltins();
  std::unique_ptr<trainyard::env::Env> env =
      std::move(registry.Make(id)).value();
  const trainyard::env::Space& space = env->action_space();
  std::vector<float> table(1024 * space.flat_size());
  trainyard::Rng rng(7);
  for (int i = 0; i < 1024; ++i) {
    space.Sample(rng, std::span<float>(table).subspan(i * space.flat_size(),
                                                      space.flat_size()));
  }
  std::vector<float> obs(env->observation_space().flat_size());
  double sum = 0;
  env->Reset(1, obs);
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < steps; ++i) {
    const trainyard::env::StepResult r =
        env->Step(std::span<const float>(table).subspan(
                      (i & 1023) * space.flat_size(), space.flat_size()),
                  obs);
    sum += r.reward;
    if (r.terminated || r.truncated) env->Reset(std::nullopt, obs);
  }
  const auto t1 = Clock::now();
  *checksum = sum;
  return steps / Seconds(t0, t1);
}

double RunNaive(int64_t steps, double* checksum) {
  NaiveCartPole env(1);
  ActionBits bits;
  double sum = 0;
  std::vector<float> obs = env.Reset();
  const auto t0 = Clock::now();
  for (int64_t i = 0; i < steps; ++i) {
    NaiveCartPole::StepOut r = env.Step({bits.Next()});
    sum += r.reward;
    obs = std::move(r.obs);
    if (r.terminated) obs = env.Reset();
  }
  const auto t1 = Clock::now();
  *checksum = sum + obs[0];
  return steps / Seconds(t0, t1);
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t steps = argc > 1 ? std::atoll(argv[1]) : 50'000'000;
  double c1 = 0, c2 = 0, c3 = 0;
  // Best of three runs each, interleaved, to dampen noise on a shared host.
  double ours = 0, vec = 0, naive = 0;
  for (int rep = 0; rep < 3; ++rep) {
    ours = std::max(ours, RunOurs(steps, &c1));
    vec = std::max(vec, RunVector(steps, 16, &c2));
    naive = std::max(naive, RunNaive(steps / 5, &c3));
  }
  std::printf(
      "CartPole-v1 raw stepping, one core, %lld steps per run (best of 3)\n",
      static_cast<long long>(steps));
  std::printf("  trainyard Env::Step (virtual, autoreset)   %8.2f M steps/s\n",
              ours / 1e6);
  std::printf("  trainyard VectorEnv x16 (TimeLimit stack)   %8.2f M steps/s\n",
              vec / 1e6);
  std::printf("  baseline: allocating std::vector/std::map   %8.2f M steps/s\n",
              naive / 1e6);
  std::printf("  ratio trainyard / baseline                  %8.2fx\n",
              ours / naive);
  std::printf("  goal >= 10 M steps/s: %s\n", ours >= 10e6 ? "met" : "NOT met");
  std::printf("  (checksums %.1f %.1f %.1f)\n", c1, c2, c3);
  std::printf(
      "Other registry environments (Env::Step with TimeLimit, one run):\n");
  for (const char* id : {"CartPole-v1", "Pendulum-v1",
                         "MountainCarContinuous-v0", "Acrobot-v1"}) {
    double checksum = 0;
    const double sps = RunRegistryEnv(id, steps / 10, &checksum);
    std::printf("  %-26s %8.2f M steps/s\n", id, sps / 1e6);
  }
  return 0;
}
