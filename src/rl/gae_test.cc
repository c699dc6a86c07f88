#include "rl/gae.h"

#include <gtest/gtest.h>

#include <vector>

namespace trainyard::rl {
namespace {

// One env, three steps, gamma 0.5, lambda 0.5, episode ends after step 1.
// Worked by hand:
//   t=2: delta = 1 + 0.5*4 - 3 = 0            A2 = 0
//   t=1: end -> delta = 2 - 2 = 0             A1 = 0
//   t=0: delta = 1 + 0.5*2 - 1 = 1            A0 = 1 + 0.25*0 = 1
TEST(GaeTest, MatchesHandWorkedExampleWithEpisodeEnd) {
  std::vector<float> rewards = {1, 2, 1}, values = {1, 2, 3};
  std::vector<uint8_t> ends = {0, 1, 0};
  std::vector<float> last = {4}, adv(3), ret(3);
  ComputeGae(rewards, values, ends, last, 1, 0.5, 0.5, adv, ret);
  EXPECT_FLOAT_EQ(adv[0], 1.0f);
  EXPECT_FLOAT_EQ(adv[1], 0.0f);
  EXPECT_FLOAT_EQ(adv[2], 0.0f);
  EXPECT_FLOAT_EQ(ret[0], 2.0f);
  EXPECT_FLOAT_EQ(ret[1], 2.0f);
  EXPECT_FLOAT_EQ(ret[2], 3.0f);
}

// No episode end, values 0, rewards 1, gamma 0.9, lambda 0.8, V(s_T) = 10:
//   A2 = 1 + 0.9*10 = 10
//   A1 = 1 + 0.72*10 = 8.2
//   A0 = 1 + 0.72*8.2 = 6.904
TEST(GaeTest, AccumulatesDiscountedDeltasAndBootstrapsFromLastValue) {
  std::vector<float> rewards = {1, 1, 1}, values = {0, 0, 0};
  std::vector<uint8_t> ends = {0, 0, 0};
  std::vector<float> last = {10}, adv(3), ret(3);
  ComputeGae(rewards, values, ends, last, 1, 0.9, 0.8, adv, ret);
  EXPECT_NEAR(adv[2], 10.0, 1e-5);
  EXPECT_NEAR(adv[1], 8.2, 1e-5);
  EXPECT_NEAR(adv[0], 6.904, 1e-5);
}

// Lambda = 1 gives discounted Monte-Carlo returns minus values.
TEST(GaeTest, LambdaOneGivesMonteCarloReturns) {
  std::vector<float> rewards = {1, 2, 3}, values = {0.5f, -1, 2};
  std::vector<uint8_t> ends = {0, 0, 1};
  std::vector<float> last = {100}, adv(3), ret(3);
  ComputeGae(rewards, values, ends, last, 1, 0.9, 1.0, adv, ret);
  EXPECT_NEAR(ret[2], 3.0, 1e-5);
  EXPECT_NEAR(ret[1], 2 + 0.9 * 3, 1e-5);
  EXPECT_NEAR(ret[0], 1 + 0.9 * 2 + 0.81 * 3, 1e-5);
}

// Two envs interleaved time-major are independent of each other.
TEST(GaeTest, EnvironmentsInTimeMajorLayoutAreIndependent) {
  // env 0: rewards {1, 1}, env 1: rewards {0, 5}; values zero; no ends.
  std::vector<float> rewards = {1, 0, 1, 5}, values = {0, 0, 0, 0};
  std::vector<uint8_t> ends = {0, 0, 0, 0};
  std::vector<float> last = {0, 2}, adv(4), ret(4);
  ComputeGae(rewards, values, ends, last, 2, 0.5, 1.0, adv, ret);
  EXPECT_NEAR(adv[2], 1.0, 1e-6);        // env 0, t=1
  EXPECT_NEAR(adv[0], 1.5, 1e-6);        // env 0, t=0
  EXPECT_NEAR(adv[3], 5 + 0.5 * 2, 1e-6);  // env 1, t=1
  EXPECT_NEAR(adv[1], 0 + 0.5 * 6, 1e-6);  // env 1, t=0
}

}  // namespace
}  // namespace trainyard::rl
