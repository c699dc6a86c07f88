#include "rl/internal/nets.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

namespace trainyard::rl::internal {
namespace {

at::Generator Gen(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

TEST(PolyakUpdateTest, MovesTargetTowardSourceByTau) {
  auto gen = Gen(1);
  torch::nn::Linear src(2, 1), dst(2, 1);
  {
    torch::NoGradGuard g;
    src->weight.copy_(torch::tensor({{1.0f, 2.0f}}));
    src->bias.fill_(4.0f);
    dst->weight.copy_(torch::tensor({{3.0f, -2.0f}}));
    dst->bias.fill_(0.0f);
  }
  PolyakUpdate(*src, *dst, 0.25);
  // 0.25 * source + 0.75 * target, by hand.
  EXPECT_FLOAT_EQ(dst->weight[0][0].item<float>(), 2.5f);
  EXPECT_FLOAT_EQ(dst->weight[0][1].item<float>(), -1.0f);
  EXPECT_FLOAT_EQ(dst->bias[0].item<float>(), 1.0f);
  // Source unchanged.
  EXPECT_FLOAT_EQ(src->weight[0][1].item<float>(), 2.0f);
}

TEST(PolyakUpdateTest, HardUpdateCopies) {
  auto gen = Gen(2);
  std::vector<int64_t> h = {4};
  Mlp a(3, h, 2, Activation::kTanh, 0.0, gen), b(3, h, 2, Activation::kTanh, 0.0, gen);
  HardUpdate(*a, *b);
  auto x = torch::randn({5, 3});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(MlpTest, SameSeedSameWeightsDifferentSeedDifferent) {
  auto g1 = Gen(5), g2 = Gen(5), g3 = Gen(6);
  Mlp a(4, std::vector<int64_t>{8, 8}, 2, Activation::kTanh, 1.0, g1);
  Mlp b(4, std::vector<int64_t>{8, 8}, 2, Activation::kTanh, 1.0, g2);
  Mlp c(4, std::vector<int64_t>{8, 8}, 2, Activation::kTanh, 1.0, g3);
  auto x = torch::ones({1, 4});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
  EXPECT_FALSE(torch::equal(a->forward(x), c->forward(x)));
}

TEST(InitTest, OrthogonalInitGivesOrthonormalRowsTimesGain) {
  auto gen = Gen(3);
  torch::nn::Linear l(8, 4);
  InitOrthogonal(*l, 2.0, gen);
  auto w = l->weight.detach();
  auto gram = torch::mm(w, w.t());
  EXPECT_TRUE(torch::allclose(gram, 4.0 * torch::eye(4), 1e-4, 1e-4));
}

TEST(DistributionTest, CategoricalMatchesClosedForm) {
  auto logits = torch::tensor({{0.0f, std::log(3.0f)}});
  auto lp = CategoricalLogProb(logits, torch::tensor({1}, torch::kLong));
  EXPECT_NEAR(lp.item<float>(), std::log(0.75), 1e-6);
  double h = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  EXPECT_NEAR(CategoricalEntropy(logits).item<float>(), h, 1e-6);
}

TEST(DistributionTest, GaussianMatchesClosedForm) {
  auto mean = torch::tensor({{1.0f, -1.0f}});
  auto log_std = torch::tensor({{std::log(2.0f), 0.0f}});
  auto x = torch::tensor({{2.0f, 0.0f}});
  // N(2; 1, 2) * N(0; -1, 1).
  double expected = -0.5 * 0.25 - std::log(2.0) - 0.5 * std::log(2 * M_PI) +
                    -0.5 * 1.0 - 0.5 * std::log(2 * M_PI);
  EXPECT_NEAR(GaussianLogProb(mean, log_std, x).item<float>(), expected, 1e-5);
  double h = 2 * (0.5 + 0.5 * std::log(2 * M_PI)) + std::log(2.0);
  EXPECT_NEAR(GaussianEntropy(log_std).item<float>(), h, 1e-5);
}

// Reference: change of variables with a numerically differentiated tanh,
// log p(a) = log N(u) - log |d tanh(u)/du|, in double precision.
double NumericSquashedLogProb(double mean, double std, double u) {
  const double h = 1e-5;
  const double dtanh = (std::tanh(u + h) - std::tanh(u - h)) / (2 * h);
  const double z = (u - mean) / std;
  const double log_normal = -0.5 * z * z - std::log(std) - 0.5 * std::log(2 * M_PI);
  return log_normal - std::log(dtanh);
}

TEST(SquashedGaussianTest, LogProbMatchesNumericChangeOfVariables) {
  const double means[] = {0.0, 0.5, -1.2};
  const double stds[] = {1.0, 0.3, 2.0};
  const double us[] = {0.1, -2.5, 4.0};
  auto mean = torch::tensor({{means[0], means[1], means[2]}}, torch::kDouble);
  auto log_std = torch::log(torch::tensor({{stds[0], stds[1], stds[2]}}, torch::kDouble));
  auto u = torch::tensor({{us[0], us[1], us[2]}}, torch::kDouble);
  double expected = 0;
  for (int i = 0; i < 3; ++i) expected += NumericSquashedLogProb(means[i], stds[i], us[i]);
  EXPECT_NEAR(SquashedGaussianLogProb(mean, log_std, u).item<double>(), expected,
              1e-6);
}

TEST(SquashedGaussianTest, DensityIntegratesToOneOverTheSquashedInterval) {
  // Trapezoid rule of p(a) over a in (-1, 1), with u = atanh(a).
  const int n = 200000;
  auto a = torch::linspace(-1 + 1e-7, 1 - 1e-7, n, torch::kDouble).unsqueeze(1);
  auto u = torch::atanh(a);
  auto mean = torch::full_like(u, 0.3);
  auto log_std = torch::full_like(u, std::log(0.8));
  auto p = torch::exp(SquashedGaussianLogProb(mean, log_std, u));
  double integral = torch::trapz(p, a.squeeze(1)).item<double>();
  EXPECT_NEAR(integral, 1.0, 1e-3);
}

}  // namespace
}  // namespace trainyard::rl::internal
