// Networks, initialisation, distributions and target-network updates shared
// by the algorithms. INTERNAL to src/rl: includes torch, so only rl/*.cc may
// include it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace trainyard::rl::internal {

enum class Activation { kTanh, kRelu };
Activation ParseActivation(const std::string& name);

// A multilayer perceptron: Linear layers with `activation` between them,
// none after the last. Weights are initialised from `gen` only, so a seed
// fixes them: orthogonal (hidden gain sqrt(2), output gain `out_gain`) when
// out_gain > 0, else PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
class MlpImpl : public torch::nn::Module {
 public:
  MlpImpl(int64_t in, const std::vector<int64_t>& hidden, int64_t out,
          Activation activation, double out_gain, at::Generator& gen);
  torch::Tensor forward(torch::Tensor x);
  // forward(x) and the input of the last layer (the last hidden layer's
  // activation; x itself with no hidden layers): gSDE's latent features.
  std::pair<torch::Tensor, torch::Tensor> ForwardWithLatent(torch::Tensor x);
  int64_t latent_dim() const { return layers_.back()->options.in_features(); }

 private:
  std::vector<torch::nn::Linear> layers_;
  Activation activation_;
};
TORCH_MODULE(Mlp);

// Re-initialises one Linear layer (see MlpImpl).
void InitOrthogonal(torch::nn::LinearImpl& layer, double gain, at::Generator& gen);
void InitDefault(torch::nn::LinearImpl& layer, at::Generator& gen);

// target <- tau * source + (1 - tau) * target, parameter by parameter
// (Polyak averaging); buffers (batch-norm statistics) are copied.
// REQUIRES: both modules have the same structure.
void PolyakUpdate(torch::nn::Module& source, torch::nn::Module& target,
                  double tau);

// Copies every parameter and buffer of `source` into `target`.
void HardUpdate(torch::nn::Module& source, torch::nn::Module& target);

// Log-probability of integer `actions` [B] under categorical `logits` [B, n].
torch::Tensor CategoricalLogProb(const torch::Tensor& logits,
                                 const torch::Tensor& actions);
torch::Tensor CategoricalEntropy(const torch::Tensor& logits);

// Diagonal Gaussian: log-density of x [B, d] summed over d, and entropy.
torch::Tensor GaussianLogProb(const torch::Tensor& mean,
                              const torch::Tensor& log_std,
                              const torch::Tensor& x);
torch::Tensor GaussianEntropy(const torch::Tensor& log_std);

// Log-density of a = tanh(u) with u ~ N(mean, std): the Gaussian log-density
// of u minus sum_i log(1 - tanh(u_i)^2), computed stably as
// 2 * (log 2 - u - softplus(-2u)) (Haarnoja et al. 2018, appendix C).
torch::Tensor SquashedGaussianLogProb(const torch::Tensor& mean,
                                      const torch::Tensor& log_std,
                                      const torch::Tensor& u);

// Global gradient-norm clipping over `params`; returns the norm before.
double ClipGradNorm(const std::vector<torch::Tensor>& params, double max_norm);

}  // namespace trainyard::rl::internal
