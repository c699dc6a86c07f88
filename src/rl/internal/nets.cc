#include "rl/internal/nets.h"

#include <cmath>

namespace trainyard::rl::internal {

Activation ParseActivation(const std::string& name) {
  return name == "relu" ? Activation::kRelu : Activation::kTanh;
}

void InitOrthogonal(torch::nn::LinearImpl& layer, double gain, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  torch::Tensor w = layer.weight;
  const int64_t rows = w.size(0), cols = w.size(1);
  torch::Tensor flat = torch::empty({rows, cols}).normal_(0.0, 1.0, gen);
  const bool transpose = rows < cols;
  if (transpose) flat = flat.t();
  auto [q, r] = at::linalg_qr(flat);
  q = q * torch::sign(torch::diagonal(r, 0, -2, -1)).unsqueeze(0);
  if (transpose) q = q.t();
  w.copy_(q * gain);
  layer.bias.zero_();
}

void InitDefault(torch::nn::LinearImpl& layer, at::Generator& gen) {
  torch::NoGradGuard no_grad;
  const double bound = 1.0 / std::sqrt(static_cast<double>(layer.weight.size(1)));
  layer.weight.uniform_(-bound, bound, gen);
  layer.bias.uniform_(-bound, bound, gen);
}

MlpImpl::MlpImpl(int64_t in, const std::vector<int64_t>& hidden, int64_t out,
                 Activation activation, double out_gain, at::Generator& gen)
    : activation_(activation) {
  int64_t prev = in;
  std::vector<int64_t> sizes = hidden;
  sizes.push_back(out);
  for (size_t i = 0; i < sizes.size(); ++i) {
    auto layer = register_module("l" + std::to_string(i),
                                 torch::nn::Linear(prev, sizes[i]));
    const bool last = i + 1 == sizes.size();
    if (out_gain > 0) {
      InitOrthogonal(*layer, last ? out_gain : std::sqrt(2.0), gen);
    } else {
      InitDefault(*layer, gen);
    }
    layers_.push_back(torch::nn::Linear(layer));
    prev = sizes[i];
  }
}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
  for (size_t i = 0; i < layers_.size(); ++i) {
    x = layers_[i]->forward(x);
    if (i + 1 == layers_.size()) break;
    x = activation_ == Activation::kTanh ? torch::tanh(x) : torch::relu(x);
  }
  return x;
}

std::pair<torch::Tensor, torch::Tensor> MlpImpl::ForwardWithLatent(torch::Tensor x) {
  for (size_t i = 0; i + 1 < layers_.size(); ++i) {
    x = layers_[i]->forward(x);
    x = activation_ == Activation::kTanh ? torch::tanh(x) : torch::relu(x);
  }
  return {layers_.back()->forward(x), x};
}

void PolyakUpdate(torch::nn::Module& source, torch::nn::Module& target,
                  double tau) {
  torch::NoGradGuard no_grad;
  auto src = source.parameters();
  auto dst = target.parameters();
  for (size_t i = 0; i < src.size(); ++i) {
    dst[i].mul_(1.0 - tau).add_(src[i], tau);
  }
  auto src_buf = source.buffers();
  auto dst_buf = target.buffers();
  for (size_t i = 0; i < src_buf.size(); ++i) dst_buf[i].copy_(src_buf[i]);
}

void HardUpdate(torch::nn::Module& source, torch::nn::Module& target) {
  PolyakUpdate(source, target, 1.0);
}

torch::Tensor CategoricalLogProb(const torch::Tensor& logits,
                                 const torch::Tensor& actions) {
  return torch::log_softmax(logits, -1)
      .gather(-1, actions.unsqueeze(-1))
      .squeeze(-1);
}

torch::Tensor CategoricalEntropy(const torch::Tensor& logits) {
  auto log_p = torch::log_softmax(logits, -1);
  return -(log_p.exp() * log_p).sum(-1);
}

torch::Tensor GaussianLogProb(const torch::Tensor& mean,
                              const torch::Tensor& log_std,
                              const torch::Tensor& x) {
  static const double kHalfLog2Pi = 0.5 * std::log(2.0 * M_PI);
  auto z = (x - mean) * torch::exp(-log_std);
  return (-0.5 * z * z - log_std - kHalfLog2Pi).sum(-1);
}

torch::Tensor GaussianEntropy(const torch::Tensor& log_std) {
  static const double kHalfLog2PiE = 0.5 + 0.5 * std::log(2.0 * M_PI);
  return (log_std + kHalfLog2PiE).sum(-1);
}

torch::Tensor SquashedGaussianLogProb(const torch::Tensor& mean,
                                      const torch::Tensor& log_std,
                                      const torch::Tensor& u) {
  auto correction =
      (2.0 * (std::log(2.0) - u - torch::softplus(-2.0 * u))).sum(-1);
  return GaussianLogProb(mean, log_std, u) - correction;
}

double ClipGradNorm(const std::vector<torch::Tensor>& params, double max_norm) {
  return torch::nn::utils::clip_grad_norm_(params, max_norm);
}

}  // namespace trainyard::rl::internal
