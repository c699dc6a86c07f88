#include "core/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace trainyard {
namespace {

TEST(RngTest, SameSeedGivesSameStream) {
  Rng a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.NextU64(), b.NextU64());
}

TEST(RngTest, MatchesXoshiroReferenceAfterSplitMixSeeding) {
  // splitmix64(0) first output is 0xe220a8397b1dcdaf (Vigna's reference).
  Rng r(0);
  Rng::Snapshot snap = r.GetState();
  EXPECT_EQ(snap.s[0], 0xe220a8397b1dcdafULL);
}

TEST(RngTest, SnapshotRestoresTheStream) {
  Rng a(7);
  a.Normal();
  auto snap = a.GetState();
  double next = a.Normal();
  Rng b(1);
  b.SetState(snap);
  EXPECT_EQ(b.Normal(), next);
}

TEST(RngTest, NormalHasUnitMomentsOverManySamples) {
  Rng r(3);
  const int n = 200000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    double x = r.Normal();
    sum += x;
    sq += x * x;
  }
  double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(var, 1.0, 0.01);
}

TEST(RngTest, UniformIntStaysInRange) {
  Rng r(5);
  for (int i = 0; i < 10000; ++i) EXPECT_LT(r.UniformInt(7), 7u);
}

TEST(RngTest, PoissonMeanMatches) {
  Rng r(9);
  double sum = 0;
  for (int i = 0; i < 50000; ++i) sum += static_cast<double>(r.Poisson(3.5));
  EXPECT_NEAR(sum / 50000, 3.5, 0.05);
}

}  // namespace
}  // namespace trainyard
