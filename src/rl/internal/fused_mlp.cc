#include "rl/internal/fused_mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <utility>

#include "rl/internal/multiversion.h"

namespace trainyard::rl::internal {
namespace {

// 16 floats: one AVX-512 register, two AVX2 or four SSE registers. GCC's
// generic vectors keep the register tiles below explicit without
// target-specific intrinsics.
typedef float V16 __attribute__((vector_size(64)));
constexpr int64_t kLanes = 16;
constexpr int kTileRows = 6;  // 6 x 16 accumulators fit AVX2's 16 registers

// (By reference: returning a 64-byte vector would change the ABI between
// the clones.)
inline void Load(V16& v, const float* p) { std::memcpy(&v, p, sizeof(v)); }
inline void Store(float* p, const V16& v) { std::memcpy(p, &v, sizeof(v)); }

// One MR x 16 block of C: C[i][0..15] (+)= sum_k A(i, k) * B[k][0..15].
template <int MR>
__attribute__((always_inline)) inline void Tile(int64_t K, const float* a,
                                                int64_t sam, int64_t sak,
                                                const float* b, int64_t ldb,
                                                float* c, int64_t ldc,
                                                bool accumulate) {
  V16 acc[MR];
  for (int i = 0; i < MR; ++i) acc[i] = V16{};
  for (int64_t k = 0; k < K; ++k) {
    V16 bk;
    Load(bk, b + k * ldb);
    const float* ak = a + k * sak;
    for (int i = 0; i < MR; ++i) acc[i] += ak[i * sam] * bk;
  }
  for (int i = 0; i < MR; ++i) {
    if (accumulate) {
      V16 old;
      Load(old, c + i * ldc);
      acc[i] += old;
    }
    Store(c + i * ldc, acc[i]);
  }
}

// One MR x 32 block of C (two 16-column blocks): twice Tile's
// independent accumulators, which AVX-512's 32 registers hold and its two
// FMA pipes (4 cycles deep) need to stay busy. Every element of C sums
// over k in the same order as Tile, so the result is the same bits.
template <int MR>
__attribute__((always_inline)) inline void WideTile(int64_t K, const float* a,
                                                    int64_t sam, int64_t sak,
                                                    const float* b, int64_t ldb,
                                                    float* c, int64_t ldc,
                                                    bool accumulate) {
  V16 lo[MR], hi[MR];
  for (int i = 0; i < MR; ++i) lo[i] = hi[i] = V16{};
  for (int64_t k = 0; k < K; ++k) {
    V16 b0, b1;
    Load(b0, b + k * ldb);
    Load(b1, b + k * ldb + kLanes);
    const float* ak = a + k * sak;
    for (int i = 0; i < MR; ++i) {
      const float s = ak[i * sam];
      lo[i] += s * b0;
      hi[i] += s * b1;
    }
  }
  for (int i = 0; i < MR; ++i) {
    if (accumulate) {
      V16 old0, old1;
      Load(old0, c + i * ldc);
      Load(old1, c + i * ldc + kLanes);
      lo[i] += old0;
      hi[i] += old1;
    }
    Store(c + i * ldc, lo[i]);
    Store(c + i * ldc + kLanes, hi[i]);
  }
}

constexpr int kWideTileRows =
    8;  // 8 x 2 accumulators of AVX-512's 32 registers

// With AVX-512 (32 vector registers) the wide tiles; elsewhere a V16 takes
// two (AVX2) or four (SSE) registers and the narrow ones fit.
// (__builtin_cpu_init: this initialiser may run before the CPU model is.)
const bool kWideTiles = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") != 0;
}();

// C[m][n] (+)= sum_k A[m*sam + k*sak] * B[k*ldb + n]; C rows are ldc apart.
// Vectorised over n, so B and C must be contiguous along n (A may be read
// row-wise or column-wise, which covers X W^T, dY W and dY^T X).
TY_MULTIVERSION void Gemm(int64_t M, int64_t N, int64_t K, const float* A,
                          int64_t sam, int64_t sak, const float* B, int64_t ldb,
                          float* C, int64_t ldc, bool accumulate) {
  const int64_t n_full = N - N % kLanes;
  int64_t n0 = 0;
  if (kWideTiles) {
    for (; n0 + 2 * kLanes <= n_full; n0 += 2 * kLanes) {
      int64_t m0 = 0;
      for (; m0 + kWideTileRows <= M; m0 += kWideTileRows) {
        WideTile<kWideTileRows>(K, A + m0 * sam, sam, sak, B + n0, ldb,
                                C + m0 * ldc + n0, ldc, accumulate);
      }
      const float* a = A + m0 * sam;
      float* c = C + m0 * ldc + n0;
      switch (M - m0) {
        case 7:
          WideTile<7>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        case 6:
          WideTile<6>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        case 5:
          WideTile<5>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        case 4:
          WideTile<4>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        case 3:
          WideTile<3>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        case 2:
          WideTile<2>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        case 1:
          WideTile<1>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
          break;
        default:
          break;
      }
    }
  }
  for (; n0 < n_full; n0 += kLanes) {
    int64_t m0 = 0;
    for (; m0 + kTileRows <= M; m0 += kTileRows) {
      Tile<kTileRows>(K, A + m0 * sam, sam, sak, B + n0, ldb, C + m0 * ldc + n0,
                      ldc, accumulate);
    }
    const float* a = A + m0 * sam;
    float* c = C + m0 * ldc + n0;
    switch (M - m0) {
      case 5:
        Tile<5>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
        break;
      case 4:
        Tile<4>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
        break;
      case 3:
        Tile<3>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
        break;
      case 2:
        Tile<2>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
        break;
      case 1:
        Tile<1>(K, a, sam, sak, B + n0, ldb, c, ldc, accumulate);
        break;
      default:
        break;
    }
  }
  if (n_full == N) return;
  if (N >= kLanes) {
    // The last N % 16 columns (e.g. 12 of a 300-wide layer): a 16-column
    // tile over [N - 16, N) into a scratch block, of which only those
    // columns are kept. Each element sums over k exactly as in any tile, so
    // this is the same arithmetic as a kernel 16 columns wider; the scalar
    // loop below ran this sliver of the work at a tenth of the speed.
    const int64_t n_edge = N - kLanes, skip = n_full - n_edge;
    float tmp[kTileRows * kLanes];
    for (int64_t m0 = 0; m0 < M; m0 += kTileRows) {
      const float* a = A + m0 * sam;
      const int64_t rows = std::min<int64_t>(kTileRows, M - m0);
      if (rows == kTileRows) {
        Tile<kTileRows>(K, a, sam, sak, B + n_edge, ldb, tmp, kLanes, false);
      } else {  // rows are independent: one at a time gives the same bits
        for (int64_t i = 0; i < rows; ++i) {
          Tile<1>(K, a + i * sam, sam, sak, B + n_edge, ldb, tmp + i * kLanes,
                  kLanes, false);
        }
      }
      for (int64_t i = 0; i < rows; ++i) {
        float* c = C + (m0 + i) * ldc;
        for (int64_t n = skip; n < kLanes; ++n) {
          const float v = tmp[i * kLanes + n];
          c[n_edge + n] = accumulate ? c[n_edge + n] + v : v;
        }
      }
    }
    return;
  }
  for (int64_t m = 0; m < M; ++m) {  // fewer than 16 columns
    for (int64_t n = n_full; n < N; ++n) {
      float s = 0.0f;
      for (int64_t k = 0; k < K; ++k)
        s += A[m * sam + k * sak] * B[k * ldb + n];
      C[m * ldc + n] = accumulate ? C[m * ldc + n] + s : s;
    }
  }
}

// The sum of the 16 lanes, by halving (vector adds, then 4 scalar ones).
__attribute__((always_inline)) inline float HorizontalSum(const V16& v) {
  typedef float V8 __attribute__((vector_size(32)));
  typedef float V4 __attribute__((vector_size(16)));
  V8 lo, hi;
  std::memcpy(&lo, &v, sizeof(lo));
  std::memcpy(&hi, reinterpret_cast<const char*>(&v) + sizeof(lo), sizeof(hi));
  const V8 s8 = lo + hi;
  V4 a, b;
  std::memcpy(&a, &s8, sizeof(a));
  std::memcpy(&b, reinterpret_cast<const char*>(&s8) + sizeof(a), sizeof(b));
  const V4 s4 = a + b;
  return (s4[0] + s4[1]) + (s4[2] + s4[3]);
}

// C[m][n] = sum_k A[m*lda + k] * B[n*ldb + k]: dot products, for the narrow
// output layers (a few columns) where vectorising over n would not pay.
TY_MULTIVERSION void GemmDot(int64_t M, int64_t N, int64_t K, const float* A,
                             int64_t lda, const float* B, int64_t ldb, float* C,
                             int64_t ldc) {
  const int64_t k_full = K - K % kLanes;
  for (int64_t m = 0; m < M; ++m) {
    const float* a = A + m * lda;
    for (int64_t n = 0; n < N; ++n) {
      const float* b = B + n * ldb;
      V16 acc = V16{};
      for (int64_t k = 0; k < k_full; k += kLanes) {
        V16 x, y;
        Load(x, a + k);
        Load(y, b + k);
        acc += x * y;
      }
      float s = HorizontalSum(acc);
      for (int64_t k = k_full; k < K; ++k) s += a[k] * b[k];
      C[m * ldc + n] = s;
    }
  }
}

// tanh to within a few float ulps, as a rational function that vectorises
// (Eigen's generic_fast_tanh_float): odd degree-13 over even degree-6
// polynomial on [-9, 9], where tanh is +-1 in float beyond.
inline float FastTanh(float x) {
  const float c = std::clamp(x, -7.90531110763549805f, 7.90531110763549805f);
  const float x2 = c * c;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * c;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return std::abs(x) < 0.0004f ? x : p / q;
}

enum class Act { kNone, kTanh, kRelu };

// y[r][n] = act(y[r][n] + bias[n]).
TY_MULTIVERSION void BiasActivate(float* y, int64_t rows, int64_t cols,
                                  const float* bias, Act act) {
  for (int64_t r = 0; r < rows; ++r) {
    float* row = y + r * cols;
    switch (act) {
      case Act::kNone:
        for (int64_t n = 0; n < cols; ++n) row[n] += bias[n];
        break;
      case Act::kTanh:
        for (int64_t n = 0; n < cols; ++n) row[n] = FastTanh(row[n] + bias[n]);
        break;
      case Act::kRelu:
        for (int64_t n = 0; n < cols; ++n)
          row[n] = std::max(row[n] + bias[n], 0.0f);
        break;
    }
  }
}

// delta *= act'(pre-activation), written in terms of the output h = act(z).
TY_MULTIVERSION void ActivationBackward(float* delta, const float* h, int64_t n,
                                        bool tanh) {
  if (tanh) {
    for (int64_t i = 0; i < n; ++i) delta[i] *= 1.0f - h[i] * h[i];
  } else {
    for (int64_t i = 0; i < n; ++i) delta[i] = h[i] > 0.0f ? delta[i] : 0.0f;
  }
}

// out[n] = sum_r x[r][n].
TY_MULTIVERSION void ColumnSums(const float* x, int64_t rows, int64_t cols,
                                float* out) {
  std::fill_n(out, cols, 0.0f);
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    for (int64_t n = 0; n < cols; ++n) out[n] += row[n];
  }
}

// dst [cols, rows] = src [rows, cols] transposed, in 16 x 16 blocks: a
// 400 x 300 weight transposed row by row writes a new cache line per
// element, and a forward with new weights transposes each layer.
void Transpose(const float* src, int64_t rows, int64_t cols, float* dst) {
  constexpr int64_t kBlock = 16;
  for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
    const int64_t r1 = std::min(rows, r0 + kBlock);
    for (int64_t c0 = 0; c0 < cols; c0 += kBlock) {
      const int64_t c1 = std::min(cols, c0 + kBlock);
      for (int64_t c = c0; c < c1; ++c) {
        for (int64_t r = r0; r < r1; ++r) dst[c * rows + r] = src[r * cols + c];
      }
    }
  }
}

}  // namespace

FusedMlp::FusedMlp(std::vector<int64_t> sizes, bool tanh, int64_t max_batch)
    : sizes_(std::move(sizes)), tanh_(tanh), max_batch_(max_batch) {
  assert(sizes_.size() >= 2 && max_batch_ >= 1);
  int64_t max_weights = 0;
  for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
    const int64_t in = sizes_[l], out = sizes_[l + 1];
    offsets_.push_back(num_params_);
    num_params_ += out * (in + 1);
    max_weights = std::max(max_weights, in * out);
    max_width_ = std::max({max_width_, in, out});
    acts_.emplace_back(max_batch_ * out);
    wts_.emplace_back(out >= kLanes ? in * out : 0);
  }
  dwt_.resize(max_weights);
  delta_.resize(max_batch_ * max_width_);
  delta_next_.resize(max_batch_ * max_width_);
}

const float* FusedMlp::Forward(const float* params, const float* x,
                               int64_t batch, uint64_t version) {
  assert(batch >= 1 && batch <= max_batch_);
  input_ = x;
  batch_ = batch;
  const bool transposed =
      version != 0 && version == wt_version_ && params == wt_params_;
  wt_version_ = version;
  wt_params_ = params;
  const float* in = x;
  const size_t layers = acts_.size();
  for (size_t l = 0; l < layers; ++l) {
    const int64_t n_in = sizes_[l], n_out = sizes_[l + 1];
    const float* w = params + offsets_[l];
    float* y = acts_[l].data();
    if (n_out >= kLanes) {
      if (!transposed) Transpose(w, n_out, n_in, wts_[l].data());
      Gemm(batch, n_out, n_in, in, n_in, 1, wts_[l].data(), n_out, y, n_out,
           false);
    } else {  // narrow outputs: dot products, no transpose
      GemmDot(batch, n_out, n_in, in, n_in, w, n_in, y, n_out);
    }
    const Act act = l + 1 == layers ? Act::kNone
                    : tanh_         ? Act::kTanh
                                    : Act::kRelu;
    BiasActivate(y, batch, n_out, w + n_out * n_in, act);
    in = y;
  }
  return acts_.back().data();
}

void FusedMlp::Backward(const float* params, const float* d_out, float* grads,
                        float* d_input) {
  const int64_t batch = batch_;
  const float* delta = d_out;  // dL/d(pre-activation of layer l)
  float* spare = delta_.data();
  float* other = delta_next_.data();
  for (size_t l = acts_.size(); l-- > 0;) {
    const int64_t n_in = sizes_[l], n_out = sizes_[l + 1];
    const float* in = l == 0 ? input_ : acts_[l - 1].data();
    const float* w = params + offsets_[l];
    if (grads != nullptr) {
      float* gw = grads + offsets_[l];
      // dW[o][i] = sum_b delta[b][o] in[b][i]
      if (n_in >= kLanes || n_out < kLanes) {
        Gemm(n_out, n_in, batch, delta, 1, n_out, in, n_in, gw, n_in, false);
      } else {  // a narrow input: vectorise over the outputs, then transpose
        Gemm(n_in, n_out, batch, in, 1, n_in, delta, n_out, dwt_.data(), n_out,
             false);
        Transpose(dwt_.data(), n_in, n_out, gw);
      }
      ColumnSums(delta, batch, n_out, gw + n_out * n_in);
    }
    if (l == 0) {
      // dL/d(input)[b][i] = sum_o delta[b][o] W[o][i]
      if (d_input != nullptr) {
        Gemm(batch, n_in, n_out, delta, n_out, 1, w, n_in, d_input, n_in,
             false);
      }
      break;
    }
    // dL/d(output of layer l-1)[b][i] = sum_o delta[b][o] W[o][i]
    Gemm(batch, n_in, n_out, delta, n_out, 1, w, n_in, spare, n_in, false);
    ActivationBackward(spare, in, batch * n_in, tanh_);
    delta = spare;
    std::swap(spare, other);
  }
}

}  // namespace trainyard::rl::internal
