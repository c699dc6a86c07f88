#include "env/space.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace trainyard::env {
namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(SpaceTest, BoxContainsPointsWithinBoundsInclusive) {
  Space box = Space::Box({-1.0f, 0.0f}, {1.0f, 2.0f});
  EXPECT_TRUE(box.Contains(std::vector<float>{-1.0f, 2.0f}));
  EXPECT_TRUE(box.Contains(std::vector<float>{0.5f, 0.0f}));
  EXPECT_FALSE(box.Contains(std::vector<float>{1.01f, 1.0f}));
  EXPECT_FALSE(box.Contains(std::vector<float>{0.0f, -0.01f}));
}

TEST(SpaceTest, BoxRejectsNaNAndWrongSize) {
  Space box = Space::Box(-1.0f, 1.0f, 2);
  EXPECT_FALSE(box.Contains(std::vector<float>{kNaN, 0.0f}));
  EXPECT_FALSE(box.Contains(std::vector<float>{0.0f}));
  EXPECT_FALSE(box.Contains(std::vector<float>{0.0f, 0.0f, 0.0f}));
}

TEST(SpaceTest, BoxRecordsShapeAndFlatSize) {
  Space box = Space::Box(std::vector<float>(6, 0.0f),
                         std::vector<float>(6, 1.0f), {2, 3});
  EXPECT_EQ(box.kind(), Space::Kind::kBox);
  EXPECT_EQ(box.flat_size(), 6);
  EXPECT_EQ(box.shape(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(Space::Box(0.0f, 1.0f, 4).shape(), (std::vector<int64_t>{4}));
}

TEST(SpaceTest, DiscreteContainsIntegersFromStart) {
  Space d = Space::Discrete(3, -1);  // {-1, 0, 1}
  EXPECT_EQ(d.flat_size(), 1);
  EXPECT_TRUE(d.Contains(std::vector<float>{-1.0f}));
  EXPECT_TRUE(d.Contains(std::vector<float>{1.0f}));
  EXPECT_FALSE(d.Contains(std::vector<float>{2.0f}));
  EXPECT_FALSE(d.Contains(std::vector<float>{-2.0f}));
  EXPECT_FALSE(d.Contains(std::vector<float>{0.5f}));
  EXPECT_FALSE(d.Contains(std::vector<float>{kNaN}));
}

TEST(SpaceTest, MultiDiscreteContainsPerDimensionRange) {
  Space md = Space::MultiDiscrete({2, 3});
  EXPECT_EQ(md.flat_size(), 2);
  EXPECT_TRUE(md.Contains(std::vector<float>{1.0f, 2.0f}));
  EXPECT_FALSE(md.Contains(std::vector<float>{2.0f, 0.0f}));
  EXPECT_FALSE(md.Contains(std::vector<float>{0.0f, -1.0f}));
  EXPECT_FALSE(md.Contains(std::vector<float>{0.0f, 1.5f}));
}

TEST(SpaceTest, SamplesAreContainedInTheSpace) {
  Rng rng(7);
  const Space spaces[] = {Space::Box({-2.0f, 0.0f}, {2.0f, 1e-3f}),
                          Space::Discrete(5, 3),
                          Space::MultiDiscrete({1, 4, 9})};
  for (const Space& space : spaces) {
    std::vector<float> x(space.flat_size());
    for (int i = 0; i < 2000; ++i) {
      space.Sample(rng, x);
      ASSERT_TRUE(space.Contains(x)) << space.ToString();
    }
  }
}

TEST(SpaceTest, DiscreteSamplingHitsEveryValueUniformly) {
  Rng rng(3);
  Space d = Space::Discrete(4);
  int counts[4] = {0, 0, 0, 0};
  float x[1];
  for (int i = 0; i < 40000; ++i) {
    d.Sample(rng, x);
    ++counts[static_cast<int>(x[0])];
  }
  // Each count is Binomial(40000, 1/4): sd ~87, so +-600 is ~7 sd.
  for (int c : counts) EXPECT_NEAR(c, 10000, 600);
}

TEST(SpaceTest, UnboundedBoxSamplesStandardNormalAndHalfBoundedExponential) {
  Rng rng(11);
  Space box = Space::Box({-kInf, 1.0f, -kInf}, {kInf, kInf, -1.0f});
  std::vector<float> x(3);
  double sum0 = 0, sumsq0 = 0, sum1 = 0, sum2 = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    box.Sample(rng, x);
    sum0 += x[0];
    sumsq0 += x[0] * x[0];
    ASSERT_GE(x[1], 1.0f);
    ASSERT_LE(x[2], -1.0f);
    sum1 += x[1];
    sum2 += x[2];
  }
  EXPECT_NEAR(sum0 / n, 0.0, 0.05);
  EXPECT_NEAR(sumsq0 / n, 1.0, 0.05);
  EXPECT_NEAR(sum1 / n, 2.0, 0.05);   // 1 + Exp(1) has mean 2
  EXPECT_NEAR(sum2 / n, -2.0, 0.05);  // -1 - Exp(1) has mean -2
}

TEST(SpaceTest, EqualityComparesKindBoundsAndShape) {
  EXPECT_EQ(Space::Box(-1.0f, 1.0f, 2),
            Space::Box({-1.0f, -1.0f}, {1.0f, 1.0f}));
  EXPECT_NE(Space::Box(-1.0f, 1.0f, 2), Space::Box(-1.0f, 2.0f, 2));
  EXPECT_NE(Space::Box(0.0f, 1.0f, 6),
            Space::Box(std::vector<float>(6, 0.0f), std::vector<float>(6, 1.0f),
                       {2, 3}));
  EXPECT_NE(Space::Discrete(3), Space::Discrete(3, 1));
  EXPECT_NE(Space::Discrete(2), Space::MultiDiscrete({2}));
}

TEST(SpaceTest, ToStringMatchesGymnasiumRepr) {
  EXPECT_EQ(Space::Box(-1.0f, 1.0f, 2).ToString(),
            "Box(-1.0, 1.0, (2,), float32)");
  EXPECT_EQ(Space::Box({-1.0f, -8.0f}, {1.0f, 8.0f}).ToString(),
            "Box([-1.0 -8.0], [1.0 8.0], (2,), float32)");
  EXPECT_EQ(Space::Discrete(2).ToString(), "Discrete(2)");
  EXPECT_EQ(Space::Discrete(3, 1).ToString(), "Discrete(3, start=1)");
  EXPECT_EQ(Space::MultiDiscrete({2, 5}).ToString(), "MultiDiscrete([2 5])");
}

}  // namespace
}  // namespace trainyard::env
