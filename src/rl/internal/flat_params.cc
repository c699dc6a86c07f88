#include "rl/internal/flat_params.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>

namespace trainyard::rl::internal {

FlatParams::FlatParams(std::vector<torch::Tensor> params) {
  int64_t offset = 0;
  for (torch::Tensor& p : params) {
    layout_.emplace_back(p, offset);
    offset += p.numel();
  }
  size_ = static_cast<size_t>(offset);
  flat_ = torch::zeros({offset});
  data_ = flat_.data_ptr<float>();
  Rebind();
}

void FlatParams::Rebind() {
  torch::NoGradGuard no_grad;
  ++version_;
  for (auto& [p, offset] : layout_) {
    torch::Tensor values = p.detach().contiguous();
    std::memmove(data_ + offset, values.data_ptr<float>(), p.numel() * sizeof(float));
    p.set_data(flat_.narrow(0, offset, p.numel()).view(p.sizes()));
  }
}

void FlatParams::SaveAdamState(const FlatAdam& adam, torch::optim::Adam& opt) const {
  assert(adam.size() == static_cast<int64_t>(size_));
  auto& state = opt.state();
  state.clear();
  if (adam.step() == 0) return;  // torch keeps no state before its first step
  for (const auto& [p, offset] : layout_) {
    auto s = std::make_unique<torch::optim::AdamParamState>();
    s->step(adam.step());
    s->exp_avg(torch::from_blob(const_cast<float*>(adam.exp_avg().data()) + offset,
                                p.sizes())
                   .clone());
    s->exp_avg_sq(torch::from_blob(const_cast<float*>(adam.exp_avg_sq().data()) + offset,
                                   p.sizes())
                      .clone());
    state[c10::guts::to_string(p.unsafeGetTensorImpl())] = std::move(s);
  }
}

void FlatParams::LoadAdamState(torch::optim::Adam& opt, FlatAdam& adam) const {
  assert(adam.size() == static_cast<int64_t>(size_));
  std::fill(adam.exp_avg().begin(), adam.exp_avg().end(), 0.0f);
  std::fill(adam.exp_avg_sq().begin(), adam.exp_avg_sq().end(), 0.0f);
  adam.set_step(0);
  auto& state = opt.state();
  for (const auto& [p, offset] : layout_) {
    auto it = state.find(c10::guts::to_string(p.unsafeGetTensorImpl()));
    if (it == state.end()) continue;
    auto& s = static_cast<torch::optim::AdamParamState&>(*it->second);
    torch::Tensor m = s.exp_avg().contiguous(), v = s.exp_avg_sq().contiguous();
    std::memcpy(adam.exp_avg().data() + offset, m.data_ptr<float>(), p.numel() * sizeof(float));
    std::memcpy(adam.exp_avg_sq().data() + offset, v.data_ptr<float>(),
                p.numel() * sizeof(float));
    adam.set_step(s.step());
  }
}

void PolyakFlat(const FlatParams& source, FlatParams& target, double tau) {
  assert(source.size() == target.size());
  PolyakAverage(source.values(), target.mutable_values().data(), target.size(), tau);
}

}  // namespace trainyard::rl::internal
