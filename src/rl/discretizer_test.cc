#include "rl/discretizer.h"

#include <gtest/gtest.h>

#include <limits>

namespace trainyard::rl {
namespace {

TEST(DiscretizerTest, FiniteBoxBinsWorkedByHand) {
  // Two dims over [0, 10] and [-1, 1], 5 bins: widths 2 and 0.4.
  auto d = Discretizer::Create(env::Space::Box({0, -1}, {10, 1}), {5}, 4.0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->num_states(), 25);
  float a[] = {0.0f, -1.0f};   // bins (0, 0) -> 0
  float b[] = {3.9f, 0.1f};    // bins (1, 2) -> 1*5+2 = 7
  float c[] = {10.0f, 1.0f};   // upper edge clamps into the last bins -> 24
  float e[] = {-5.0f, 7.0f};   // outside: (0, 4) -> 4
  EXPECT_EQ(d->Index(a), 0);
  EXPECT_EQ(d->Index(b), 7);
  EXPECT_EQ(d->Index(c), 24);
  EXPECT_EQ(d->Index(e), 4);
}

TEST(DiscretizerTest, InfiniteBoundsUseObsClip) {
  const float inf = std::numeric_limits<float>::infinity();
  auto d = Discretizer::Create(env::Space::Box({-inf}, {inf}), {4}, 2.0);
  ASSERT_TRUE(d.ok());
  // [-2, 2] in 4 bins of width 1.
  float x[] = {-1.5f}, y[] = {0.5f}, z[] = {100.0f};
  EXPECT_EQ(d->Index(x), 0);
  EXPECT_EQ(d->Index(y), 2);
  EXPECT_EQ(d->Index(z), 3);
}

TEST(DiscretizerTest, Float32MaxBoundsCountAsUnbounded) {
  const float big = std::numeric_limits<float>::max();
  auto d = Discretizer::Create(env::Space::Box({-big}, {big}), {4}, 2.0);
  ASSERT_TRUE(d.ok());
  float y[] = {0.5f};  // [-2, 2] in 4 bins, as with infinite bounds
  EXPECT_EQ(d->Index(y), 2);
}

TEST(DiscretizerTest, DiscreteObservationsMapToThemselves) {
  auto d = Discretizer::Create(env::Space::Discrete(6, 1), {10}, 1.0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->num_states(), 6);
  float x[] = {4.0f};
  EXPECT_EQ(d->Index(x), 3);
}

TEST(DiscretizerTest, PerDimensionBinsAndIgnoredDimensions) {
  // Dim 0 ignored (1 bin), dim 1 in 4 bins over [0, 4]: index = bin of dim 1.
  auto d = Discretizer::Create(env::Space::Box({-1, 0}, {1, 4}), {1, 4}, 1.0);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->num_states(), 4);
  float x[] = {0.9f, 2.5f};
  EXPECT_EQ(d->Index(x), 2);
  EXPECT_FALSE(Discretizer::Create(env::Space::Box(-1, 1, 3), {2, 2}, 1.0).ok());
}

TEST(DiscretizerTest, RefusesHugeTables) {
  auto d = Discretizer::Create(env::Space::Box(-1, 1, 8), {100}, 1.0);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(d.status().details().at(0).field, "bins");
}

}  // namespace
}  // namespace trainyard::rl
