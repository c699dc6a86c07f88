#include "rl/internal/actor_heads.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "rl/internal/nets.h"

namespace trainyard::rl::internal {
namespace {

// |got - want| <= tol * max(|want|, 1), element by element.
void ExpectClose(const std::vector<float>& got, const torch::Tensor& want, double tol,
                 const std::string& what) {
  auto w = want.contiguous().to(torch::kDouble).flatten();
  ASSERT_EQ(static_cast<int64_t>(got.size()), w.numel()) << what;
  const double scale = std::max(w.abs().max().item<double>(), 1.0);
  for (int64_t i = 0; i < w.numel(); ++i) {
    ASSERT_NEAR(got[i], w[i].item<double>(), tol * scale) << what << " element " << i;
  }
}

// off_policy.cc's libtorch SAC sample (ActorSample) on out [b, 2d], in
// double, with autograd for the reference gradients.
struct TorchSac {
  torch::Tensor out, u, a, logp;
};
TorchSac TorchSquashedGaussian(const torch::Tensor& out_f, const torch::Tensor& eps) {
  const int64_t d = out_f.size(1) / 2;
  TorchSac t;
  t.out = out_f.to(torch::kDouble).requires_grad_();
  auto mean = t.out.slice(1, 0, d);
  auto log_std = torch::clamp(t.out.slice(1, d, 2 * d), kSacLogStdMin, kSacLogStdMax);
  t.u = mean + torch::exp(log_std) * eps.to(torch::kDouble);
  t.a = torch::tanh(t.u);
  t.logp = SquashedGaussianLogProb(mean, log_std, t.u);
  return t;
}

void CheckSquashedGaussian(int64_t b, int64_t d, uint64_t seed) {
  torch::manual_seed(seed);
  auto out = torch::randn({b, 2 * d}) * 1.5;
  // Log stds on both sides of the clamp range [-20, 2], and means large
  // enough that tanh saturates.
  out.index_put_({0, d}, 3.5);
  out.index_put_({1 % b, 2 * d - 1}, -25.0);
  out.index_put_({1 % b, d - 1}, 0.0);  // u - mean is then exact in float
  out.index_put_({2 % b, 0}, 9.0);
  auto eps = torch::randn({b, d});
  auto d_a = torch::randn({b, d});
  auto d_logp = torch::randn({b});
  std::vector<float> u(b * d), a(b * d), logp(b), d_out(b * 2 * d, -7.0f);
  SquashedGaussianSample(out.data_ptr<float>(), eps.data_ptr<float>(), b, d, u.data(),
                         a.data(), logp.data());
  SquashedGaussianBackward(out.data_ptr<float>(), eps.data_ptr<float>(), u.data(), a.data(),
                           d_a.data_ptr<float>(), d_logp.data_ptr<float>(), b, d,
                           d_out.data());
  TorchSac ref = TorchSquashedGaussian(out, eps);
  ((ref.a * d_a.to(torch::kDouble)).sum() + (ref.logp * d_logp.to(torch::kDouble)).sum())
      .backward();
  ExpectClose(u, ref.u.detach(), 1e-6, "u");
  ExpectClose(a, ref.a.detach(), 1e-6, "tanh(u)");
  ExpectClose(logp, ref.logp.detach(), 1e-5, "log-probability");
  ExpectClose(d_out, ref.out.grad(), 1e-5, "gradient");
}

TEST(ActorHeadsTest, SquashedGaussianSampleLogProbAndGradientMatchTorchAutograd) {
  CheckSquashedGaussian(64, 1, 1);  // Pendulum's one action
  CheckSquashedGaussian(9, 3, 2);
}

TEST(ActorHeadsTest, SquashedGaussianGradientOfLogProbAloneMatchesTorch) {
  // The entropy coefficient's and the target's samples use logp only.
  torch::manual_seed(3);
  const int64_t b = 5, d = 2;
  auto out = torch::randn({b, 2 * d});
  auto eps = torch::randn({b, d});
  auto d_logp = torch::randn({b});
  std::vector<float> u(b * d), a(b * d), logp(b), d_out(b * 2 * d);
  SquashedGaussianSample(out.data_ptr<float>(), eps.data_ptr<float>(), b, d, u.data(),
                         a.data(), logp.data());
  SquashedGaussianBackward(out.data_ptr<float>(), eps.data_ptr<float>(), u.data(), a.data(),
                           nullptr, d_logp.data_ptr<float>(), b, d, d_out.data());
  TorchSac ref = TorchSquashedGaussian(out, eps);
  (ref.logp * d_logp.to(torch::kDouble)).sum().backward();
  ExpectClose(d_out, ref.out.grad(), 1e-5, "gradient");
}

TEST(ActorHeadsTest, DeterministicTanhActionAndGradientMatchTorch) {
  torch::manual_seed(4);
  auto out = torch::randn({6, 2}) * 3;
  auto d_a = torch::randn({6, 2});
  std::vector<float> a(12), d_out(12);
  TanhForward(out.data_ptr<float>(), 12, a.data());
  TanhBackward(a.data(), d_a.data_ptr<float>(), 12, d_out.data());
  auto x = out.to(torch::kDouble).requires_grad_();
  auto ref = torch::tanh(x);
  (ref * d_a.to(torch::kDouble)).sum().backward();
  ExpectClose(a, ref.detach(), 1e-6, "action");
  ExpectClose(d_out, x.grad(), 1e-6, "gradient");
}

TEST(ActorHeadsTest, Td3TargetSmoothingMatchesTheTorchFormula) {
  // off_policy.cc's libtorch target action: clamp(tanh(out) + clamp(0.2 z,
  // -0.5, 0.5), -1, 1), including draws beyond the noise clip and actions
  // pushed past the bounds.
  torch::manual_seed(5);
  auto out = torch::randn({40, 1}) * 2;
  auto z = torch::randn({40, 1}) * 3;
  std::vector<float> a(40);
  SmoothedTargetAction(out.data_ptr<float>(), z.data_ptr<float>(), 40, 0.2f, 0.5f, a.data());
  auto noise = torch::clamp(z * 0.2, -0.5, 0.5);
  auto ref = torch::clamp(torch::tanh(out) + noise, -1.0, 1.0);
  ExpectClose(a, ref, 1e-6, "smoothed action");
  EXPECT_GT((z * 0.2).abs().max().item<float>(), 0.5f);  // the clip is exercised
  // Without noise (DDPG): plain tanh, and z is not read.
  SmoothedTargetAction(out.data_ptr<float>(), nullptr, 40, 0.0f, 0.0f, a.data());
  ExpectClose(a, torch::tanh(out), 1e-6, "unsmoothed action");
}

}  // namespace
}  // namespace trainyard::rl::internal
