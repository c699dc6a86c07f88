#include "rl/internal/fused_mlp.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

namespace trainyard::rl::internal {
namespace {

// The reference: the same network in double precision with torch autograd.
struct Reference {
  torch::Tensor out;                 // [batch, out]
  std::vector<torch::Tensor> grads;  // per layer: dW, db (double)
  torch::Tensor d_x;                 // dL/d(input) [batch, in]
};

Reference TorchMlp(const std::vector<int64_t>& sizes, bool tanh,
                   const std::vector<float>& params, const torch::Tensor& x,
                   const torch::Tensor& d_out) {
  std::vector<torch::Tensor> leaves;
  int64_t offset = 0;
  torch::Tensor x_leaf = x.to(torch::kDouble).requires_grad_();
  torch::Tensor h = x_leaf;
  const auto flat = torch::from_blob(const_cast<float*>(params.data()),
                                     {static_cast<int64_t>(params.size())})
                        .to(torch::kDouble);
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    const int64_t in = sizes[l], out = sizes[l + 1];
    auto w = flat.narrow(0, offset, out * in).view({out, in}).clone().requires_grad_();
    offset += out * in;
    auto b = flat.narrow(0, offset, out).clone().requires_grad_();
    offset += out;
    leaves.push_back(w);
    leaves.push_back(b);
    h = torch::linear(h, w, b);
    if (l + 2 < sizes.size()) h = tanh ? torch::tanh(h) : torch::relu(h);
  }
  (h * d_out.to(torch::kDouble)).sum().backward();
  Reference r{h.detach(), {}, x_leaf.grad()};
  for (auto& leaf : leaves) r.grads.push_back(leaf.grad().flatten());
  return r;
}

// |got - want| <= tol * max|want|, element by element.
void ExpectClose(const float* got, const torch::Tensor& want, double tol,
                 const std::string& what) {
  auto w = want.contiguous().to(torch::kDouble).flatten();
  const double scale = std::max(w.abs().max().item<double>(), 1e-30);
  auto acc = w.accessor<double, 1>();
  for (int64_t i = 0; i < w.numel(); ++i) {
    ASSERT_NEAR(got[i], acc[i], tol * scale) << what << " element " << i;
  }
}

void CheckAgainstTorch(const std::vector<int64_t>& sizes, bool tanh, int64_t batch,
                       uint64_t seed) {
  torch::manual_seed(seed);
  FusedMlp mlp(sizes, tanh, batch + 3);
  auto params_t = torch::randn({mlp.num_params()}) * 0.3;
  std::vector<float> params(params_t.data_ptr<float>(),
                            params_t.data_ptr<float>() + mlp.num_params());
  auto x = torch::randn({batch, sizes.front()});
  auto d_out = torch::randn({batch, sizes.back()});
  const Reference ref = TorchMlp(sizes, tanh, params, x, d_out);

  const float* out = mlp.Forward(params.data(), x.data_ptr<float>(), batch);
  ExpectClose(out, ref.out, 1e-5, "output");
  std::vector<float> grads(mlp.num_params(), -7.0f);
  mlp.Backward(params.data(), d_out.data_ptr<float>(), grads.data());
  int64_t offset = 0;
  for (size_t i = 0; i < ref.grads.size(); ++i) {
    ExpectClose(grads.data() + offset, ref.grads[i], 1e-5,
                "gradient tensor " + std::to_string(i));
    offset += ref.grads[i].numel();
  }
  // The input gradient, with and without the parameter gradients.
  std::vector<float> d_x(batch * sizes.front(), -7.0f);
  mlp.Backward(params.data(), d_out.data_ptr<float>(), grads.data(), d_x.data());
  ExpectClose(d_x.data(), ref.d_x, 1e-5, "input gradient");
  std::fill(d_x.begin(), d_x.end(), -7.0f);
  mlp.Backward(params.data(), d_out.data_ptr<float>(), nullptr, d_x.data());
  ExpectClose(d_x.data(), ref.d_x, 1e-5, "input gradient alone");
}

TEST(FusedMlpTest, TanhPpoSizedNetworkMatchesTorchAutograd) {
  CheckAgainstTorch({4, 64, 64, 2}, true, 256, 1);
}

TEST(FusedMlpTest, CriticWithOneOutputMatchesTorchAutograd) {
  CheckAgainstTorch({4, 64, 64, 1}, true, 37, 2);
}

TEST(FusedMlpTest, ReluAndSizesOffTheVectorWidthMatchTorchAutograd) {
  // 20 and 35 leave partial 16-float vectors; 7 rows a partial 6-row tile.
  CheckAgainstTorch({5, 20, 35, 3}, false, 7, 3);
  CheckAgainstTorch({17, 33, 1}, true, 1, 4);
}

TEST(FusedMlpTest, WideOutputLayerMatchesTorchAutograd) {
  CheckAgainstTorch({3, 32, 18}, true, 50, 5);
}

TEST(FusedMlpTest, ZooSizedReluCriticMatchesTorchAutograd) {
  // TD3's 400x300 critic of Pendulum ([obs, action] = 4 inputs).
  CheckAgainstTorch({4, 400, 300, 1}, false, 100, 8);
}

TEST(FusedMlpTest, TanhIsAccurateOverItsWholeRange) {
  // A one-layer tanh network with identity weights exposes the activation.
  FusedMlp mlp({1, 16, 16}, true, 1);
  for (float v : {-20.0f, -8.0f, -3.0f, -0.5f, -1e-3f, -1e-5f, 0.0f, 2e-4f, 0.3f,
                  1.0f, 2.5f, 7.9f, 9.0f, 40.0f}) {
    std::vector<float> params(mlp.num_params(), 0.0f);
    for (int j = 0; j < 16; ++j) params[j] = 1.0f;  // w1 = 1, b1 = 0
    for (int j = 0; j < 16; ++j) params[16 + 16 + j * 16 + j] = 1.0f;  // w2 = I
    const float* out = mlp.Forward(params.data(), &v, 1);
    EXPECT_NEAR(out[0], std::tanh(static_cast<double>(v)), 5e-7) << v;
  }
}

TEST(FusedMlpTest, ForwardDependsOnlyOnItsInputs) {
  // Workspaces are reused: a second, different batch must not see the first.
  FusedMlp mlp({4, 64, 64, 2}, true, 16);
  torch::manual_seed(6);
  auto p = torch::randn({mlp.num_params()}) * 0.3;
  auto x1 = torch::randn({16, 4}), x2 = torch::randn({3, 4});
  std::vector<float> alone(6);
  const float* o = mlp.Forward(p.data_ptr<float>(), x2.data_ptr<float>(), 3);
  std::copy(o, o + 6, alone.begin());
  mlp.Forward(p.data_ptr<float>(), x1.data_ptr<float>(), 16);
  o = mlp.Forward(p.data_ptr<float>(), x2.data_ptr<float>(), 3);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(o[i], alone[i]);
}

TEST(FusedMlpTest, NewVersionSeesChangedParametersAndTheSameReusesTransposes) {
  FusedMlp mlp({4, 32, 2}, true, 4);
  torch::manual_seed(7);
  auto p = torch::randn({mlp.num_params()}) * 0.3;
  auto x = torch::randn({4, 4});
  std::vector<float> before(8);
  const float* o = mlp.Forward(p.data_ptr<float>(), x.data_ptr<float>(), 4, 1);
  std::copy(o, o + 8, before.begin());
  p.narrow(0, 0, 32 * 4).mul_(-1.0f);  // first layer's weights change
  o = mlp.Forward(p.data_ptr<float>(), x.data_ptr<float>(), 4, 2);
  const float changed = o[0];
  EXPECT_NE(changed, before[0]);
  // Version 0 always recomputes: the same output as a fresh network.
  FusedMlp fresh({4, 32, 2}, true, 4);
  EXPECT_EQ(fresh.Forward(p.data_ptr<float>(), x.data_ptr<float>(), 4, 0)[0], changed);
}

}  // namespace
}  // namespace trainyard::rl::internal
