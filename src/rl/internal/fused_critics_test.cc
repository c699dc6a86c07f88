#include "rl/internal/fused_critics.h"

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rl/internal/nets.h"

namespace trainyard::rl::internal {
namespace {

constexpr int64_t kIn = 4;  // Pendulum: 3 observations + 1 action

// Twin critics (and targets) as off_policy.cc builds them, on the fused
// path with `threads` threads.
struct Critics {
  explicit Critics(int n, uint64_t seed, int threads = 1, int64_t max_batch = 64)
      : gen(at::make_generator<at::CPUGeneratorImpl>(seed)) {
    std::vector<torch::nn::Module*> c, t;
    for (int i = 0; i < n; ++i) {
      online.push_back(Mlp(kIn, std::vector<int64_t>{32, 24}, 1, Activation::kRelu, 0.0, gen));
      targets.push_back(Mlp(kIn, std::vector<int64_t>{32, 24}, 1, Activation::kRelu, 0.0, gen));
    }
    for (int i = 0; i < n; ++i) {
      c.push_back(online[i].get());
      t.push_back(targets[i].get());
    }
    fused = std::make_unique<FusedCritics>(c, t, std::vector<int64_t>{kIn, 32, 24, 1},
                                           max_batch, threads);
  }
  at::Generator gen;
  std::vector<Mlp> online, targets;
  std::unique_ptr<FusedCritics> fused;
};

void ExpectNear(const float* got, const torch::Tensor& want, double tol,
                const std::string& what) {
  auto w = want.detach().contiguous().flatten();
  const double scale = std::max(w.abs().max().item<double>(), 1e-6);
  for (int64_t i = 0; i < w.numel(); ++i) {
    ASSERT_NEAR(got[i], w[i].item<float>(), tol * scale) << what << " element " << i;
  }
}

TEST(FusedCriticsTest, ModulesSeeTheFlatParameters) {
  Critics c(2, 1);
  auto x = torch::randn({5, kIn});
  auto before = c.online[1]->forward(x).detach().clone();
  for (float& p : c.fused->online().mutable_values()) p *= 2.0f;
  EXPECT_FALSE(torch::allclose(c.online[1]->forward(x), before));
}

TEST(FusedCriticsTest, TargetIsTheMinimumOfTheTargetCritics) {
  Critics c(2, 2);
  torch::manual_seed(2);
  auto x = torch::randn({37, kIn});
  const float* got = c.fused->TargetMin(x.data_ptr<float>(), 37);
  auto want = torch::min(c.targets[0]->forward(x), c.targets[1]->forward(x));
  ExpectNear(got, want, 1e-5, "min target");
}

TEST(FusedCriticsTest, CriticLossAndGradientMatchTorchAutograd) {
  for (int n : {1, 2}) {
    Critics c(n, 3);
    torch::manual_seed(3);
    auto x = torch::randn({50, kIn});
    auto target = torch::randn({50});
    const double loss = c.fused->LossGrad(x.data_ptr<float>(), target.data_ptr<float>(), 50);
    torch::Tensor want = torch::zeros({});
    for (int i = 0; i < n; ++i) {
      want = want + torch::mse_loss(c.online[i]->forward(x).squeeze(1), target);
    }
    want.backward();
    EXPECT_NEAR(loss, want.item<double>(), 1e-5 * want.item<double>());
    int64_t offset = 0;
    for (int i = 0; i < n; ++i) {
      for (auto& p : c.online[i]->parameters()) {
        ExpectNear(c.fused->grads().data() + offset, p.grad(), 1e-5,
                   "critic " + std::to_string(i) + " gradient at " + std::to_string(offset));
        offset += p.numel();
      }
    }
    EXPECT_EQ(offset, static_cast<int64_t>(c.fused->grads().size()));
  }
}

TEST(FusedCriticsTest, ActionGradientOfTheMinimumMatchesTorchAutograd) {
  Critics c(2, 4);
  torch::manual_seed(4);
  auto x = torch::randn({64, kIn});
  std::vector<float> d_x(64 * kIn);
  const float coef = -1.0f / 64;
  const float* q = c.fused->MinValueInputGrad(x.data_ptr<float>(), 64, 2, coef, d_x.data());
  auto xr = x.clone().requires_grad_();
  auto want = torch::min(c.online[0]->forward(xr), c.online[1]->forward(xr));
  (coef * want.sum()).backward();
  ExpectNear(q, want, 1e-5, "min value");
  ExpectNear(d_x.data(), xr.grad(), 1e-5, "input gradient");
  // Only the first critic (DDPG/TD3's actor loss).
  c.fused->MinValueInputGrad(x.data_ptr<float>(), 64, 1, coef, d_x.data());
  xr.mutable_grad().zero_();
  (coef * c.online[0]->forward(xr).sum()).backward();
  ExpectNear(d_x.data(), xr.grad(), 1e-5, "first critic's input gradient");
}

TEST(FusedCriticsTest, TiedCriticsShareTheMinimumsGradientAsTorchDoes) {
  // Equal critics tie on every row: torch gives each half the gradient.
  Critics c(2, 5);
  HardUpdate(*c.online[0], *c.online[1]);
  torch::manual_seed(5);
  auto x = torch::randn({8, kIn});
  std::vector<float> d_x(8 * kIn);
  c.fused->MinValueInputGrad(x.data_ptr<float>(), 8, 2, 1.0f, d_x.data());
  auto xr = x.clone().requires_grad_();
  torch::min(c.online[0]->forward(xr), c.online[1]->forward(xr)).sum().backward();
  ExpectNear(d_x.data(), xr.grad(), 1e-6, "input gradient at ties");
}

TEST(FusedCriticsTest, TwoThreadsGiveTheSameBits) {
  Critics one(2, 6, 1), two(2, 6, 2);
  torch::manual_seed(6);
  for (int round = 0; round < 3; ++round) {  // the helper is reused
    auto x = torch::randn({64, kIn});
    auto target = torch::randn({64});
    EXPECT_EQ(one.fused->LossGrad(x.data_ptr<float>(), target.data_ptr<float>(), 64),
              two.fused->LossGrad(x.data_ptr<float>(), target.data_ptr<float>(), 64));
    for (size_t i = 0; i < one.fused->grads().size(); ++i) {
      ASSERT_EQ(one.fused->grads()[i], two.fused->grads()[i]) << "gradient " << i;
    }
    const float* a = one.fused->TargetMin(x.data_ptr<float>(), 64);
    const float* b = two.fused->TargetMin(x.data_ptr<float>(), 64);
    for (int r = 0; r < 64; ++r) ASSERT_EQ(a[r], b[r]) << "target " << r;
    std::vector<float> da(64 * kIn), db(64 * kIn);
    one.fused->MinValueInputGrad(x.data_ptr<float>(), 64, 2, -0.5f, da.data());
    two.fused->MinValueInputGrad(x.data_ptr<float>(), 64, 2, -0.5f, db.data());
    EXPECT_EQ(da, db);
  }
}

TEST(FusedCriticsTest, TargetUpdateIsPolyakAveraging) {
  Critics c(2, 7);
  std::vector<Mlp> expected;
  auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
  for (int i = 0; i < 2; ++i) {
    expected.push_back(Mlp(kIn, std::vector<int64_t>{32, 24}, 1, Activation::kRelu, 0.0, gen));
    HardUpdate(*c.targets[i], *expected[i]);
    PolyakUpdate(*c.online[i], *expected[i], 0.005);
  }
  c.fused->UpdateTargets(0.005);
  for (int i = 0; i < 2; ++i) {
    auto got = c.targets[i]->parameters(), want = expected[i]->parameters();
    for (size_t k = 0; k < got.size(); ++k) {
      EXPECT_TRUE(torch::allclose(got[k], want[k], 1e-6, 1e-7)) << i << " " << k;
    }
  }
}

}  // namespace
}  // namespace trainyard::rl::internal
