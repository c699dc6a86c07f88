#include "env/episode_statistics.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "env/scripted_env_for_test.h"
#include "env/time_limit.h"

namespace trainyard::env {
namespace {

using testing::ScriptedEnv;

TEST(EpisodeStatisticsTest, RecordsReturnAndLengthWhenEpisodeTerminates) {
  // Rewards 1, 2, 3: episode of 3 steps returns 6.
  EpisodeStatistics env(
      std::make_unique<ScriptedEnv>(3, std::vector<double>{1.0, 2.0, 3.0}));
  float obs[3];
  const float action[] = {0.0f, 0.0f};
  Info info;
  env.Reset(0, obs);
  env.Step(action, obs, &info);
  env.Step(action, obs, &info);
  EXPECT_FALSE(env.episode_just_finished());
  EXPECT_EQ(info.count("episode_return"), 0u);
  env.Step(action, obs, &info);
  EXPECT_TRUE(env.episode_just_finished());
  EXPECT_EQ(env.episode_return(), 6.0);
  EXPECT_EQ(env.episode_length(), 3);
  EXPECT_EQ(info["episode_return"], 6.0);
  EXPECT_EQ(info["episode_length"], 3.0);
  EXPECT_EQ(env.episodes_finished(), 1);
}

TEST(EpisodeStatisticsTest, CountsTruncatedEpisodes) {
  EpisodeStatistics env(
      std::make_unique<TimeLimit>(std::make_unique<ScriptedEnv>(0), 2));
  float obs[3];
  const float action[] = {0.0f, 0.0f};
  env.Reset(0, obs);
  env.Step(action, obs);
  env.Step(action, obs);
  EXPECT_TRUE(env.episode_just_finished());
  EXPECT_EQ(env.episode_return(), 2.0);
  EXPECT_EQ(env.episode_length(), 2);
}

}  // namespace
}  // namespace trainyard::env
