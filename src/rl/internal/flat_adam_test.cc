#include "rl/internal/flat_adam.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

namespace trainyard::rl::internal {
namespace {

TEST(FlatAdamTest, StepsLikeTorchAdamWithChangingLearningRate) {
  torch::manual_seed(1);
  // Two parameter tensors for torch, one flat buffer for FlatAdam.
  auto a = torch::randn({3, 4}).requires_grad_();
  auto b = torch::randn({5}).requires_grad_();
  torch::optim::Adam opt({a, b}, torch::optim::AdamOptions(1e-3).eps(1e-5));
  std::vector<float> flat(17);
  std::memcpy(flat.data(), a.data_ptr<float>(), 12 * sizeof(float));
  std::memcpy(flat.data() + 12, b.data_ptr<float>(), 5 * sizeof(float));
  FlatAdam adam(17, 1e-5);
  const double lrs[] = {1e-3, 1e-3, 5e-4, 2e-2, 1e-4, 3e-3};
  for (double lr : lrs) {
    auto ga = torch::randn({3, 4}), gb = torch::randn({5}) * 1e-3;
    a.mutable_grad() = ga.clone();
    b.mutable_grad() = gb.clone();
    for (auto& group : opt.param_groups()) {
      static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
    opt.step();
    std::vector<float> grads(17);
    std::memcpy(grads.data(), ga.data_ptr<float>(), 12 * sizeof(float));
    std::memcpy(grads.data() + 12, gb.data_ptr<float>(), 5 * sizeof(float));
    adam.Step(flat, grads, lr);
  }
  EXPECT_EQ(adam.step(), 6);
  auto want = torch::cat({a.detach().flatten(), b.detach().flatten()});
  for (int i = 0; i < 17; ++i) {
    EXPECT_NEAR(flat[i], want[i].item<float>(), 1e-6) << i;
  }
  // The moments, which checkpoints carry, match torch's state too.
  auto& state = static_cast<torch::optim::AdamParamState&>(
      *opt.state().at(c10::guts::to_string(b.unsafeGetTensorImpl())));
  EXPECT_EQ(state.step(), 6);
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(adam.exp_avg()[12 + i], state.exp_avg()[i].item<float>(), 1e-9);
    EXPECT_NEAR(adam.exp_avg_sq()[12 + i], state.exp_avg_sq()[i].item<float>(), 1e-12);
  }
}

void ExpectClipLikeTorch(double max_norm, float scale) {
  torch::manual_seed(2);
  auto a = torch::zeros({4, 4}).requires_grad_();
  auto b = torch::zeros({3}).requires_grad_();
  auto ga = torch::randn({4, 4}) * scale, gb = torch::randn({3}) * scale;
  a.mutable_grad() = ga.clone();
  b.mutable_grad() = gb.clone();
  const double torch_norm = torch::nn::utils::clip_grad_norm_({a, b}, max_norm);
  std::vector<float> flat(19);
  std::memcpy(flat.data(), ga.data_ptr<float>(), 16 * sizeof(float));
  std::memcpy(flat.data() + 16, gb.data_ptr<float>(), 3 * sizeof(float));
  EXPECT_NEAR(ClipGradNormFlat(flat, max_norm), torch_norm, 1e-5 * torch_norm);
  auto want = torch::cat({a.grad().flatten(), b.grad().flatten()});
  for (int i = 0; i < 19; ++i) EXPECT_NEAR(flat[i], want[i].item<float>(), 1e-6) << i;
}

TEST(ClipGradNormFlatTest, ScalesLikeTorchWhenAboveTheLimit) {
  ExpectClipLikeTorch(0.5, 1.0f);
}

TEST(ClipGradNormFlatTest, LeavesGradientsLikeTorchWhenBelowTheLimit) {
  ExpectClipLikeTorch(0.5, 0.01f);
}

}  // namespace
}  // namespace trainyard::rl::internal
