// gSDE against hand-computed references: the variance formula
// var_j = sum_i z_i^2 sigma_ij^2 + 1e-6, the Gaussian log-density and
// entropy with that variance, the noise z . (sigma (.) eps) row by row, and
// when the noise changes.
#include "rl/internal/sde.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>

#include "rl/internal/actor_critic.h"
#include "rl/internal/nets.h"

namespace trainyard::rl::internal {
namespace {

constexpr double kPi = 3.14159265358979323846;

TEST(SdeLogStdTest, IsHalfTheLogOfLatentSquaredTimesSigmaSquaredPlusEpsilon) {
  // latent rows (1, 2) and (0.5, -1); sigma column (0.5, 0.25):
  // var = 1 * 0.25 + 4 * 0.0625 = 0.5 and 0.25 * 0.25 + 1 * 0.0625 = 0.125.
  auto latent = torch::tensor({{1.0f, 2.0f}, {0.5f, -1.0f}});
  auto log_std = torch::tensor({{std::log(0.5f)}, {std::log(0.25f)}});
  auto got = SdeLogStd(latent, log_std);
  ASSERT_EQ(got.sizes(), (std::vector<int64_t>{2, 1}));
  EXPECT_NEAR(got[0][0].item<double>(), 0.5 * std::log(0.5 + 1e-6), 1e-6);
  EXPECT_NEAR(got[1][0].item<double>(), 0.5 * std::log(0.125 + 1e-6), 1e-6);
}

// An MLP actor-critic with gSDE on a 3-d observation and 2-d actions.
ActorCritic SdeNet(at::Generator& gen) {
  ActorCriticSpec spec;
  spec.obs_dim = 3;
  spec.discrete = false;
  spec.action_dim = 2;
  spec.hidden = {5, 4};
  spec.use_sde = true;
  spec.log_std_init = -0.5;
  ActorCritic net(spec, gen);
  torch::NoGradGuard no_grad;
  net->log_std().copy_(torch::randn({4, 2}, gen) * 0.3 - 0.5);  // not all equal
  return net;
}

TEST(SdeActorCriticTest, LatentIsTheLastHiddenActivation) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(3);
  ActorCritic net = SdeNet(gen);
  auto obs = torch::randn({2, 3}, gen);
  auto out = net->forward(obs);
  auto p = net->named_parameters();
  // actor.l0, actor.l1 are the hidden layers (tanh), actor.l2 the mean.
  auto h = torch::tanh(torch::addmm(p["actor.l0.bias"], obs, p["actor.l0.weight"].t()));
  h = torch::tanh(torch::addmm(p["actor.l1.bias"], h, p["actor.l1.weight"].t()));
  EXPECT_TRUE(torch::allclose(out.latent, h, 1e-5, 1e-6));
  EXPECT_FALSE(out.latent.requires_grad());  // PPO: features not learned
  EXPECT_EQ(net->log_std().sizes(), (std::vector<int64_t>{4, 2}));
}

TEST(SdeActorCriticTest, LogProbAndEntropyUseTheStateDependentVariance) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  ActorCritic net = SdeNet(gen);
  auto obs = torch::randn({3, 3}, gen);
  auto actions = torch::randn({3, 2}, gen);
  auto out = net->forward(obs);
  auto logp = net->LogProb(out, actions);
  auto entropy = net->Entropy(out);
  torch::Tensor log_std = net->log_std().detach();
  auto z = out.latent.accessor<float, 2>();
  auto mean = out.dist.accessor<float, 2>();
  auto ls = log_std.accessor<float, 2>();
  auto a = actions.accessor<float, 2>();
  for (int b = 0; b < 3; ++b) {
    double want_logp = 0, want_entropy = 0;
    for (int j = 0; j < 2; ++j) {
      double var = 1e-6;
      for (int i = 0; i < 4; ++i) var += z[b][i] * z[b][i] * std::exp(2.0 * ls[i][j]);
      const double d = a[b][j] - mean[b][j];
      want_logp += -0.5 * d * d / var - 0.5 * std::log(2 * kPi * var);
      want_entropy += 0.5 * std::log(2 * kPi * std::exp(1.0) * var);
    }
    EXPECT_NEAR(logp[b].item<double>(), want_logp, 1e-4 * (1 + std::fabs(want_logp)));
    EXPECT_NEAR(entropy[b].item<double>(), want_entropy, 1e-5);
  }
}

TEST(SdeActorCriticTest, SpecWithoutUseSdeLoadsAsPlainGaussian) {
  // Policy files written before gSDE have no "use_sde" key.
  nlohmann::json j = {{"obs_dim", 3},       {"discrete", false}, {"action_dim", 1},
                      {"hidden", {64, 64}}, {"activation", "tanh"},
                      {"recurrent", false}, {"log_std_init", 0.0}};
  EXPECT_FALSE(ActorCriticSpec::FromJson(j).use_sde);
  j["use_sde"] = true;
  EXPECT_TRUE(ActorCriticSpec::FromJson(j).use_sde);
}

TEST(SdeNoiseTest, EachRowUsesItsOwnMatrixScaledBySigma) {
  Rng rng(1);
  SdeNoise noise(3, 2);
  noise.Resample(2, rng);
  auto latent = torch::tensor({{1.0f, -2.0f, 0.5f}, {0.0f, 3.0f, 1.0f}});
  auto log_std = torch::tensor({{0.0f, -1.0f}, {0.5f, 0.2f}, {-0.3f, 0.0f}});
  auto got = noise.Apply(latent, log_std);
  auto eps = noise.eps().accessor<float, 3>();
  auto z = latent.accessor<float, 2>();
  auto ls = log_std.accessor<float, 2>();
  for (int b = 0; b < 2; ++b) {
    for (int j = 0; j < 2; ++j) {
      double want = 0;
      for (int i = 0; i < 3; ++i) want += z[b][i] * std::exp(ls[i][j]) * eps[b][i][j];
      EXPECT_NEAR(got[b][j].item<double>(), want, 1e-5);
    }
  }
}

TEST(SdeNoiseTest, ABatchOfOtherSizeSharesTheFirstMatrix) {
  Rng rng(2);
  SdeNoise noise(2, 1);
  noise.Resample(2, rng);
  auto latent = torch::tensor({{1.0f, 0.0f}, {0.0f, 1.0f}, {1.0f, 1.0f}});
  auto got = noise.Apply(latent, torch::zeros({2, 1}));
  auto eps = noise.eps().accessor<float, 3>();
  EXPECT_NEAR(got[0][0].item<double>(), eps[0][0][0], 1e-6);
  EXPECT_NEAR(got[1][0].item<double>(), eps[0][1][0], 1e-6);
  EXPECT_NEAR(got[2][0].item<double>(), eps[0][0][0] + eps[0][1][0], 1e-6);
}

TEST(SdeNoiseTest, ConstantBetweenResamplesNewOnResample) {
  Rng rng(3);
  SdeNoise noise(4, 2);
  noise.Resample(1, rng);
  auto latent = torch::tensor({{0.3f, -0.7f, 1.0f, 0.2f}});
  auto log_std = torch::full({4, 2}, -1.0f);
  auto first = noise.Apply(latent, log_std);
  EXPECT_TRUE(torch::equal(noise.Apply(latent, log_std), first));
  noise.Resample(1, rng);
  EXPECT_FALSE(torch::equal(noise.Apply(latent, log_std), first));
}

TEST(SdeNoiseTest, SameSeedSameMatrices) {
  Rng a(9), b(9), c(10);
  SdeNoise x(4, 2), y(4, 2), z(4, 2);
  x.Resample(3, a);
  y.Resample(3, b);
  z.Resample(3, c);
  EXPECT_TRUE(torch::equal(x.eps(), y.eps()));
  EXPECT_FALSE(torch::equal(x.eps(), z.eps()));
}

TEST(SdeNoiseTest, GradientReachesLogStdThroughTheNoise) {
  // d/d log_std_ij of z . (exp(log_std) (.) eps) = z_i exp(log_std_ij) eps_ij.
  Rng rng(4);
  SdeNoise noise(2, 1);
  noise.Resample(1, rng);
  auto log_std = torch::tensor({{0.1f}, {-0.4f}}).set_requires_grad(true);
  auto latent = torch::tensor({{2.0f, -1.0f}});
  noise.Apply(latent, log_std).sum().backward();
  auto eps = noise.eps().accessor<float, 3>();
  EXPECT_NEAR(log_std.grad()[0][0].item<double>(), 2.0 * std::exp(0.1) * eps[0][0][0], 1e-5);
  EXPECT_NEAR(log_std.grad()[1][0].item<double>(), -1.0 * std::exp(-0.4) * eps[0][1][0], 1e-5);
}

}  // namespace
}  // namespace trainyard::rl::internal
