// Torch parameters moved into one flat float buffer that the tensors then
// view, for the fused small-network path (fused_mlp.h, flat_adam.h): plain
// C++ reads and writes the buffer while checkpoints, ExportPolicy and
// LoadPolicy keep using the torch modules unchanged. Also carries a FlatAdam's
// state into and out of the torch Adam that checkpoints store.
// INTERNAL to src/rl: includes torch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "rl/internal/flat_adam.h"

namespace trainyard::rl::internal {

// Not thread-safe. The tensors must outlive it.
class FlatParams {
 public:
  // Moves `params` (float tensors, placed one after another in this order)
  // into the flat buffer, keeping their values.
  explicit FlatParams(std::vector<torch::Tensor> params);

  // Makes the tensors views of the flat buffer again, keeping their current
  // values; call after something replaced their storage (loading a
  // checkpoint into a module does).
  void Rebind();

  // The values, writable: every call counts as a change (see version()).
  std::span<float> mutable_values() {
    ++version_;
    return {data_, size_};
  }
  const float* values() const { return data_; }
  size_t size() const { return size_; }
  // Names the current values for FusedMlp::Forward's cache of transposed
  // weights: changes whenever the values may have changed through this
  // object (mutable_values(), Rebind()).
  uint64_t version() const { return version_; }
  // Offset of the i-th tensor given to the constructor.
  int64_t offset(size_t i) const { return layout_[i].second; }

  // Copies `adam`'s state into `opt`'s per-parameter state (a torch Adam
  // over exactly these tensors), so a checkpoint holds it; and back. A
  // parameter without torch state (no step taken) loads as zeros.
  // REQUIRES: adam.size() == size().
  void SaveAdamState(const FlatAdam& adam, torch::optim::Adam& opt) const;
  void LoadAdamState(torch::optim::Adam& opt, FlatAdam& adam) const;

 private:
  torch::Tensor flat_;
  float* data_ = nullptr;
  size_t size_ = 0;
  uint64_t version_ = 1;
  std::vector<std::pair<torch::Tensor, int64_t>> layout_;  // tensor, offset
};

// target <- tau * source + (1 - tau) * target element-wise (Polyak
// averaging of target networks, nets.h's PolyakUpdate on flat buffers).
// REQUIRES: equal sizes.
void PolyakFlat(const FlatParams& source, FlatParams& target, double tau);

}  // namespace trainyard::rl::internal
