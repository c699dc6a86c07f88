#include "env/edge_scaling/replica_budget.h"

#include <gtest/gtest.h>

#include <vector>

#include "env/env.h"
#include "env/wrapper.h"

namespace trainyard::env::edge {
namespace {

// Steady, noise-free load; a budget of 8 replicas (2 per service).
EdgeScalingConfig Budgeted() {
  EdgeScalingConfig c;
  c.load.poisson_arrivals = false;
  c.load.start_time_s = 0;
  c.replica_cost = 0.1;
  c.replica_budget = 8;
  c.replica_budget_step = 0.01;
  return c;
}

// One full step of `env` with every service at `count` replicas (four
// sub-steps for the per_service encoding); the reward of the full step.
double StepAll(Env& env, int count, bool per_service) {
  std::vector<float> obs(env.observation_space().flat_size());
  if (!per_service) {
    std::vector<float> action(env.action_space().flat_size(),
                              static_cast<float>(count));
    return env.Step(action, obs).reward;
  }
  const std::vector<float> action = {static_cast<float>(count)};
  double reward = 0.0;
  for (int s = 0; s < 4; ++s) reward += env.Step(action, obs).reward;
  return reward;
}

TEST(ReplicaBudgetEnvTest, FirstStepPaysTheSameRewardAsTheUnwrappedEnv) {
  EdgeScalingConfig c = Budgeted();
  ReplicaBudgetEnv budgeted(c);
  EdgeScalingEnv plain(c);
  std::vector<float> obs(plain.observation_space().flat_size());
  budgeted.Reset(5, obs);
  plain.Reset(5, obs);
  EXPECT_DOUBLE_EQ(StepAll(budgeted, 3, false), StepAll(plain, 3, false));
}

TEST(ReplicaBudgetEnvTest, PriceRisesAboveTheBudgetAndIsCharged) {
  EdgeScalingConfig c = Budgeted();
  ReplicaBudgetEnv budgeted(c);
  EdgeScalingEnv plain(c);
  std::vector<float> obs(plain.observation_space().flat_size());
  budgeted.Reset(5, obs);
  plain.Reset(5, obs);
  StepAll(budgeted, 3, false);
  StepAll(plain, 3, false);
  // 12 replicas, budget 8: price 0.1 + 0.01 x 4.
  EXPECT_NEAR(budgeted.price(), 0.14, 1e-12);
  // The second step charges 0.14 instead of 0.1 for each of 12 replicas.
  EXPECT_NEAR(StepAll(budgeted, 3, false), StepAll(plain, 3, false) - 0.04 * 12,
              1e-12);
  EXPECT_NEAR(budgeted.price(), 0.18, 1e-12);
}

TEST(ReplicaBudgetEnvTest, PriceFallsBelowTheBudgetButNotUnderZero) {
  EdgeScalingConfig c = Budgeted();
  c.replica_budget_step = 0.02;
  ReplicaBudgetEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(5, obs);
  StepAll(env, 1, false);  // 4 replicas: 0.1 + 0.02 x (4 - 8) = 0.02
  EXPECT_NEAR(env.price(), 0.02, 1e-12);
  StepAll(env, 1, false);  // would be -0.06
  EXPECT_EQ(env.price(), 0.0);
}

TEST(ReplicaBudgetEnvTest, PriceIsKeptAcrossReset) {
  EdgeScalingConfig c = Budgeted();
  ReplicaBudgetEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(5, obs);
  StepAll(env, 4, false);
  const double price = env.price();
  EXPECT_GT(price, c.replica_cost);
  env.Reset(6, obs);
  EXPECT_EQ(env.price(), price);
}

TEST(ReplicaBudgetEnvTest, PerServiceUpdatesOncePerFullStep) {
  EdgeScalingConfig c = Budgeted();
  c.encoding = ActionEncoding::kPerService;
  ReplicaBudgetEnv env(c);
  EXPECT_EQ(env.action_space().n(), 5);
  std::vector<float> obs(env.observation_space().flat_size());
  env.Reset(5, obs);
  const std::vector<float> three = {3.0f};
  // Sub-steps before the last pay nothing and leave the price alone.
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(env.Step(three, obs).reward, 0.0);
    EXPECT_EQ(env.price(), 0.1);
  }
  env.Step(three, obs);
  EXPECT_NEAR(env.price(), 0.14, 1e-12);
}

TEST(ReplicaBudgetEnvTest, ServiceRewardsChargeThePricePerSubStep) {
  EdgeScalingConfig c = Budgeted();
  c.encoding = ActionEncoding::kPerService;
  EdgeScalingConfig split = c;
  split.service_rewards = true;
  ReplicaBudgetEnv whole_env(c), split_env(split);
  std::vector<float> obs(whole_env.observation_space().flat_size());
  whole_env.Reset(5, obs);
  split_env.Reset(5, obs);
  // The price moves away from replica_cost after the first step; every
  // step's total stays the same either way.
  for (int t = 0; t < 4; ++t) {
    EXPECT_NEAR(StepAll(split_env, 3, true), StepAll(whole_env, 3, true), 1e-9)
        << t;
  }
  EXPECT_DOUBLE_EQ(split_env.price(), whole_env.price());
  // A sub-step before the last pays its own replicas at the price.
  const double price = split_env.price();
  std::vector<float> sub(split_env.observation_space().flat_size());
  const double own = split_env.Step(std::vector<float>{0}, sub).reward;
  EXPECT_NEAR(own, -0.25 * c.unstable_latency_s, 1e-9);
  const double two = split_env.Step(std::vector<float>{2}, sub).reward;
  EXPECT_LT(two, -2 * price);
}

// Sums the rewards its inner env pays.
class RewardTally final : public Wrapper {
 public:
  RewardTally(std::unique_ptr<Env> inner, double* sum)
      : Wrapper(std::move(inner)), sum_(sum) {}
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info) override {
    StepResult r = inner_->Step(action, obs, info);
    *sum_ += r.reward;
    return r;
  }

 private:
  double* sum_;
};

TEST(ReplicaBudgetEnvTest, TrainingEnvPricesOutsideTheWrapLayers) {
  EdgeScalingConfig c = Budgeted();
  double unpriced = 0.0;
  std::unique_ptr<Env> env =
      MakeTrainingEnv(c, [&unpriced](std::unique_ptr<Env> inner) {
        return std::make_unique<RewardTally>(std::move(inner), &unpriced);
      });
  ASSERT_NE(dynamic_cast<ReplicaBudgetEnv*>(env.get()), nullptr);
  EdgeScalingEnv plain(c);
  std::vector<float> obs(plain.observation_space().flat_size());
  env->Reset(5, obs);
  plain.Reset(5, obs);
  double priced = 0.0, want = 0.0;
  for (int t = 0; t < 3; ++t) {
    priced += StepAll(*env, 4, false);
    want += StepAll(plain, 4, false);
  }
  // 16 replicas against a budget of 8 raise the price after each step, so
  // the agent pays more than the layer inside, which sees the plain reward.
  EXPECT_DOUBLE_EQ(unpriced, want);
  EXPECT_LT(priced, want);
}

TEST(ReplicaBudgetEnvTest, TrainingEnvWithoutABudgetIsTheAgentEnv) {
  EdgeScalingConfig c = Budgeted();
  c.replica_budget = 0;
  EXPECT_EQ(dynamic_cast<ReplicaBudgetEnv*>(MakeTrainingEnv(c).get()), nullptr);
}

TEST(ReplicaBudgetEnvTest, InfoReportsThePrice) {
  EdgeScalingConfig c = Budgeted();
  ReplicaBudgetEnv env(c);
  std::vector<float> obs(env.observation_space().flat_size());
  Info info;
  env.Reset(5, obs, &info);
  EXPECT_EQ(info.at("replica_price"), 0.1);
  std::vector<float> action(env.action_space().flat_size(), 3.0f);
  env.Step(action, obs, &info);
  EXPECT_NEAR(info.at("replica_price"), 0.14, 1e-12);
  EXPECT_EQ(info.at("total_replicas"), 12.0);
}

TEST(ReplicaBudgetEnvTest, RegistryWrapsOnlyWhenABudgetIsSet) {
  Registry registry;
  EdgeScalingConfig c = Budgeted();
  ASSERT_TRUE(RegisterEdgeScaling(&registry, c, "budgeted").ok());
  c.replica_budget = 0;
  ASSERT_TRUE(RegisterEdgeScaling(&registry, c, "plain").ok());
  auto budgeted = registry.Make("budgeted");
  auto plain = registry.Make("plain");
  ASSERT_TRUE(budgeted.ok() && plain.ok());
  EXPECT_NE(dynamic_cast<ReplicaBudgetEnv*>(budgeted->get()), nullptr);
  EXPECT_NE(dynamic_cast<EdgeScalingEnv*>(plain->get()), nullptr);
}

TEST(ReplicaBudgetEnvTest, ValidationRejectsBadBudgetSettings) {
  EdgeScalingConfig c = Budgeted();
  c.replica_budget = 17;  // 4 services x 4 replicas at most
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.replica_budget = -1;
  EXPECT_FALSE(ValidateConfig(c).ok());
  c = Budgeted();
  c.replica_budget_step = 0;
  EXPECT_FALSE(ValidateConfig(c).ok());
  c.replica_budget_step = 1e-4;
  EXPECT_TRUE(ValidateConfig(c).ok());
}

}  // namespace
}  // namespace trainyard::env::edge
