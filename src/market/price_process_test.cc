#include "market/price_process.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace trainyard::market {
namespace {

std::vector<double> LogReturns(PriceProcess& p, Rng& rng, int n) {
  std::vector<double> r;
  double prev = p.price();
  for (int i = 0; i < n; ++i) {
    const double next = p.Step(rng);
    r.push_back(std::log(next / prev));
    prev = next;
  }
  return r;
}

void MeanVar(const std::vector<double>& x, double* mean, double* var) {
  double s = 0, ss = 0;
  for (double v : x) s += v;
  *mean = s / x.size();
  for (double v : x) ss += (v - *mean) * (v - *mean);
  *var = ss / (x.size() - 1);
}

TEST(PriceProcessTest, SameSeedGivesSamePath) {
  PriceProcessConfig c;
  c.kind = ProcessKind::kJumpDiffusion;
  PriceProcess a(c), b(c);
  Rng ra(7), rb(7);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Step(ra), b.Step(rb));
  Rng rc(8);
  PriceProcess d(c);
  EXPECT_NE(d.Step(rc), PriceProcess(c).Step(ra));
}

// Log returns of GBM are N((mu - sigma^2/2) dt, sigma^2 dt): check the sample
// mean and variance against these with 5-sigma sampling tolerances.
TEST(PriceProcessTest, GbmSampleStatisticsMatchDriftAndVolatility) {
  PriceProcessConfig c;
  c.kind = ProcessKind::kGbm;
  c.initial_price = 100.0;
  c.drift = 0.5;
  c.volatility = 0.8;
  c.dt_years = 1.0 / 365.0;
  PriceProcess p(c);
  Rng rng(123);
  const int n = 200000;
  double mean, var;
  MeanVar(LogReturns(p, rng, n), &mean, &var);
  const double dt = c.dt_years;
  const double want_mean = (c.drift - 0.5 * c.volatility * c.volatility) * dt;
  const double want_var = c.volatility * c.volatility * dt;
  EXPECT_NEAR(mean, want_mean, 5.0 * std::sqrt(want_var / n));
  // Var of the sample variance of a normal: 2 sigma^4 / (n-1).
  EXPECT_NEAR(var, want_var, 5.0 * want_var * std::sqrt(2.0 / (n - 1)));
  // Annualised estimates recover the parameters.
  EXPECT_NEAR(std::sqrt(var / dt), 0.8, 0.01);
}

TEST(PriceProcessTest, JumpDiffusionAddsJumpVariance) {
  PriceProcessConfig c;
  c.kind = ProcessKind::kJumpDiffusion;
  c.volatility = 0.5;
  c.jump_intensity = 50.0;
  c.jump_mean = 0.0;
  c.jump_stddev = 0.05;
  c.dt_years = 1.0 / 365.0;
  PriceProcess p(c);
  Rng rng(5);
  const int n = 200000;
  double mean, var;
  MeanVar(LogReturns(p, rng, n), &mean, &var);
  // Var = sigma^2 dt + lambda dt (m^2 + s^2) for compound Poisson jumps.
  const double want = c.volatility * c.volatility * c.dt_years +
                      c.jump_intensity * c.dt_years * c.jump_stddev * c.jump_stddev;
  EXPECT_NEAR(var / want, 1.0, 0.03);
}

TEST(PriceProcessTest, RegimeSwitchingSpendsStationaryShareInVolatileRegime) {
  PriceProcessConfig c;
  c.kind = ProcessKind::kRegimeSwitching;
  c.calm_to_volatile = 0.02;
  c.volatile_to_calm = 0.08;
  PriceProcess p(c);
  Rng rng(9);
  int volatile_steps = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    p.Step(rng);
    volatile_steps += p.in_volatile_regime();
  }
  // Two-state Markov chain: pi_volatile = a / (a + b) = 0.2.
  EXPECT_NEAR(static_cast<double>(volatile_steps) / n, 0.2, 0.02);
}

TEST(PriceProcessTest, ReplayWalksTheSeriesAndStopsAtTheEnd) {
  PriceProcessConfig c;
  c.kind = ProcessKind::kReplay;
  c.replay_prices = {10.0, 11.0, 12.5};
  ASSERT_TRUE(ValidatePriceProcessConfig(c).ok());
  PriceProcess p(c);
  Rng rng(1);
  EXPECT_EQ(p.price(), 10.0);
  EXPECT_EQ(p.Step(rng), 11.0);
  EXPECT_EQ(p.Step(rng), 12.5);
  EXPECT_TRUE(p.exhausted());
  EXPECT_EQ(p.Step(rng), 12.5);
}

TEST(PriceProcessTest, ValidationNamesTheField) {
  PriceProcessConfig c;
  c.initial_price = -1.0;
  Status s = ValidatePriceProcessConfig(c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.details()[0].field, "initial_price");
  c = PriceProcessConfig();
  c.kind = ProcessKind::kRegimeSwitching;
  c.calm_to_volatile = 2.0;
  EXPECT_EQ(ValidatePriceProcessConfig(c).details()[0].field, "calm_to_volatile");
  c = PriceProcessConfig();
  c.kind = ProcessKind::kReplay;
  c.replay_prices = {1.0};
  EXPECT_EQ(ValidatePriceProcessConfig(c).details()[0].field, "replay_prices");
}

}  // namespace
}  // namespace trainyard::market
