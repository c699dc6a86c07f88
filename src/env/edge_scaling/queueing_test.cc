// Erlang C against values worked by hand from the closed form
//   C(c, a) = (a^c/c! * c/(c-a)) / (sum_{k<c} a^k/k! + a^c/c! * c/(c-a)).
#include "env/edge_scaling/queueing.h"

#include <gtest/gtest.h>

#include <cmath>

namespace trainyard::env::edge {
namespace {

TEST(ErlangCTest, OneServerWaitsWithProbabilityRho) {
  // M/M/1: C(1, a) = a; a = 0.5 -> 0.5.
  EXPECT_NEAR(ErlangC(1, 0.5), 0.5, 1e-15);
}

TEST(ErlangCTest, TwoServersAtOneErlangIsOneThird) {
  // top = 1/2 * 2/(2-1) = 1; sum = 1 + 1 = 2; C = 1 / 3.
  EXPECT_NEAR(ErlangC(2, 1.0), 1.0 / 3.0, 1e-15);
}

TEST(ErlangCTest, ThreeServersAtTwoErlangsIsFourNinths) {
  // top = 8/6 * 3/(3-2) = 4; sum = 1 + 2 + 2 = 5; C = 4 / 9.
  EXPECT_NEAR(ErlangC(3, 2.0), 4.0 / 9.0, 1e-15);
}

TEST(ErlangCTest, TwoServersAtOnePointFiveErlangs) {
  // top = 2.25/2 * 2/0.5 = 4.5; sum = 1 + 1.5 = 2.5; C = 4.5 / 7.
  EXPECT_NEAR(ErlangC(2, 1.5), 4.5 / 7.0, 1e-15);
}

TEST(ErlangCTest, UnstableOrEmptyQueues) {
  EXPECT_EQ(ErlangC(0, 1.0), 1.0);
  EXPECT_EQ(ErlangC(2, 2.0), 1.0);
  EXPECT_EQ(ErlangC(2, 0.0), 0.0);
}

TEST(MmcResponseTimeTest, MM1MatchesOneOverMuMinusLambda) {
  // mu = 10, lambda = 5: Wq = 0.5 / 5 = 0.1, W = 0.1 + 0.1 = 1 / (10 - 5).
  EXPECT_NEAR(MmcResponseTime(1, 5.0, 10.0), 0.2, 1e-15);
}

TEST(MmcResponseTimeTest, MM2AtHalfLoad) {
  // c = 2, mu = 10, lambda = 10: C = 1/3, Wq = (1/3) / (20 - 10) = 1/30,
  // W = 1/30 + 1/10 = 2/15 (textbook M/M/2: Lq = 2 rho^3 / (1 - rho^2) = 1/3).
  EXPECT_NEAR(MmcResponseTime(2, 10.0, 10.0), 2.0 / 15.0, 1e-15);
}

TEST(MmcResponseTimeTest, MM3AtTwoErlangs) {
  // c = 3, mu = 1, lambda = 2: Wq = (4/9) / (3 - 2), W = 4/9 + 1 = 13/9.
  EXPECT_NEAR(MmcResponseTime(3, 2.0, 1.0), 13.0 / 9.0, 1e-14);
}

TEST(MmcResponseTimeTest, UnstableQueueIsInfinite) {
  EXPECT_TRUE(std::isinf(MmcResponseTime(2, 20.0, 10.0)));
  EXPECT_TRUE(std::isinf(MmcResponseTime(0, 1.0, 10.0)));
}

}  // namespace
}  // namespace trainyard::env::edge
