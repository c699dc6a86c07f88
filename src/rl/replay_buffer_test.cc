#include "rl/replay_buffer.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace trainyard::rl {
namespace {

void AddNumbered(ReplayBuffer& b, int k) {
  float o[2] = {float(k), float(-k)};
  float a[1] = {float(10 * k)};
  float n[2] = {float(k + 1), float(-k - 1)};
  b.Add(o, a, float(k) / 2, n, k % 2 == 1);
}

TEST(ReplayBufferTest, StoresAndGathersTransitions) {
  ReplayBuffer b(10, 2, 1);
  for (int k = 0; k < 3; ++k) AddNumbered(b, k);
  EXPECT_EQ(b.size(), 3);
  TransitionBatch t;
  std::vector<int64_t> idx = {2, 0};
  b.Gather(idx, &t);
  EXPECT_EQ(t.obs, (std::vector<float>{2, -2, 0, 0}));
  EXPECT_EQ(t.actions, (std::vector<float>{20, 0}));
  EXPECT_EQ(t.rewards, (std::vector<float>{1, 0}));
  EXPECT_EQ(t.next_obs, (std::vector<float>{3, -3, 1, -1}));
  EXPECT_EQ(t.terminated, (std::vector<float>{0, 0}));
}

TEST(ReplayBufferTest, OverwritesOldestWhenFull) {
  ReplayBuffer b(3, 2, 1);
  for (int k = 0; k < 5; ++k) AddNumbered(b, k);  // keeps 3, 4, 2
  EXPECT_EQ(b.size(), 3);
  TransitionBatch t;
  std::vector<int64_t> idx = {0, 1, 2};
  b.Gather(idx, &t);
  EXPECT_EQ(t.actions, (std::vector<float>{30, 40, 20}));
  EXPECT_EQ(t.terminated, (std::vector<float>{1, 0, 0}));
}

TEST(ReplayBufferTest, SamplesOnlyStoredTransitionsAndCoversThem) {
  ReplayBuffer b(100, 2, 1);
  for (int k = 0; k < 5; ++k) AddNumbered(b, k);
  Rng rng(7);
  TransitionBatch t;
  b.Sample(500, rng, &t);
  std::set<float> seen(t.actions.begin(), t.actions.end());
  EXPECT_EQ(seen, (std::set<float>{0, 10, 20, 30, 40}));
}

TEST(ReplayBufferTest, SameSeedSamplesSameBatch) {
  ReplayBuffer b(100, 2, 1);
  for (int k = 0; k < 50; ++k) AddNumbered(b, k);
  Rng r1(3), r2(3);
  TransitionBatch t1, t2;
  b.Sample(32, r1, &t1);
  b.Sample(32, r2, &t2);
  EXPECT_EQ(t1.actions, t2.actions);
}

TEST(ReplayBufferTest, SerializeRoundTripContinuesRing) {
  ReplayBuffer b(3, 2, 1);
  for (int k = 0; k < 4; ++k) AddNumbered(b, k);
  ReplayBuffer c(3, 2, 1);
  ASSERT_TRUE(c.Deserialize(b.Serialize()).ok());
  AddNumbered(b, 9);
  AddNumbered(c, 9);
  TransitionBatch tb, tc;
  std::vector<int64_t> idx = {0, 1, 2};
  b.Gather(idx, &tb);
  c.Gather(idx, &tc);
  EXPECT_EQ(tb.actions, tc.actions);
  EXPECT_EQ(tb.obs, tc.obs);
}

TEST(ReplayBufferTest, DeserializeRejectsMismatchedShapeAndTruncation) {
  ReplayBuffer b(3, 2, 1);
  AddNumbered(b, 1);
  std::string bytes = b.Serialize();
  ReplayBuffer other(3, 4, 1);
  Status s = other.Deserialize(bytes);
  EXPECT_EQ(s.code(), ErrorCode::kCorruption);
  ReplayBuffer same(3, 2, 1);
  EXPECT_EQ(same.Deserialize(bytes.substr(0, bytes.size() - 3)).code(),
            ErrorCode::kCorruption);
}

}  // namespace
}  // namespace trainyard::rl
