// A multilayer perceptron evaluated and differentiated in plain C++ (float,
// no libtorch), for the small networks (a few 64-wide layers) where
// libtorch's per-operator dispatch costs more than the arithmetic. The
// parameters use torch::nn::Linear's layout (per layer: weight [out, in]
// row-major, then bias [out]), so they can be the memory of a torch module.
// INTERNAL to src/rl.
#pragma once

#include <cstdint>
#include <vector>

namespace trainyard::rl::internal {

// Linear layers with tanh or relu between them and none after the last,
// like MlpImpl (nets.h). Owns preallocated workspaces: Forward and Backward
// allocate nothing. Not thread-safe (the workspaces are shared).
class FusedMlp {
 public:
  // `sizes` = {in, hidden..., out}. REQUIRES: sizes.size() >= 2, every size
  // >= 1, max_batch >= 1.
  FusedMlp(std::vector<int64_t> sizes, bool tanh, int64_t max_batch);

  // Floats of parameters (and of gradients): sum over layers of out*(in+1).
  int64_t num_params() const { return num_params_; }
  int64_t in_size() const { return sizes_.front(); }
  int64_t out_size() const { return sizes_.back(); }
  int64_t max_batch() const { return max_batch_; }

  // Output [batch, out] for the rows x [batch, in] under `params`. The
  // result stays valid (and is what Backward differentiates) until the next
  // Forward. `version` names the parameter values: a nonzero version equal
  // to the previous call's (same params pointer) reuses that call's
  // transposed weights, so pass a new one whenever the values changed; 0
  // always recomputes. REQUIRES: 1 <= batch <= max_batch(); params has
  // num_params().
  const float* Forward(const float* params, const float* x, int64_t batch,
                       uint64_t version = 0);

  // Given d_out = dL/d(output) [batch, out] of the last Forward (same
  // params), writes dL/d(params) into `grads` (num_params() floats,
  // overwritten) unless it is null, and dL/d(input) [batch, in] into
  // `d_input` when that is not null (a loss through a critic's action
  // input, e.g. DDPG's actor loss, needs only this one).
  void Backward(const float* params, const float* d_out, float* grads,
                float* d_input = nullptr);

 private:
  std::vector<int64_t> sizes_;
  bool tanh_;
  int64_t max_batch_;
  int64_t num_params_ = 0;
  int64_t max_width_ = 0;
  std::vector<int64_t> offsets_;  // start of layer i's weight in params
  const float* input_ = nullptr;  // x of the last Forward (caller-owned)
  int64_t batch_ = 0;
  // acts_[i]: output of layer i [max_batch, sizes_[i + 1]] (after the
  // activation for hidden layers).
  std::vector<std::vector<float>> acts_;
  // Transposed weights [in, out] of the layers with >= 16 outputs, for
  // the parameters (pointer, version) of the last Forward.
  std::vector<std::vector<float>> wts_;
  const float* wt_params_ = nullptr;
  uint64_t wt_version_ = 0;
  std::vector<float> delta_, delta_next_;  // dL/d(pre-activation) ping-pong
  std::vector<float> dwt_;         // transposed weight gradient (small `in`)
};

}  // namespace trainyard::rl::internal
