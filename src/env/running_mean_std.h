// RunningMeanStd: per-dimension running mean and variance, merged with the
// parallel algorithm of Chan, Golub & LeVeque exactly as Gymnasium's
// gymnasium.wrappers.utils.RunningMeanStd (count starts at epsilon = 1e-4,
// mean 0, variance 1). The normalisation wrappers use it; its state is saved
// with a model (Serialize/ToJson) and restored for evaluation.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace trainyard::env {

// A value type. Not thread-safe for concurrent updates.
class RunningMeanStd {
 public:
  static constexpr double kDefaultEpsilon = 1e-4;

  // REQUIRES: dim > 0, epsilon > 0.
  explicit RunningMeanStd(int64_t dim = 1, double epsilon = kDefaultEpsilon);

  int64_t dim() const { return static_cast<int64_t>(mean_.size()); }
  const std::vector<double>& mean() const { return mean_; }
  const std::vector<double>& var() const { return var_; }  // population var
  double count() const { return count_; }

  // Merges one sample (a batch of one). REQUIRES: x.size() == dim().
  void Update(std::span<const float> x);
  void Update(std::span<const double> x);
  // Merges a batch of `rows` samples laid out row-major (rows x dim()); its
  // moments are computed with a two-pass mean/variance. Allocation-free.
  // REQUIRES: rows > 0, x.size() == rows * dim().
  void UpdateBatch(std::span<const float> x, int64_t rows);
  // Merges a batch given by its moments (Gymnasium's update_from_moments).
  // REQUIRES: spans of dim() values, batch_count > 0.
  void UpdateFromMoments(std::span<const double> batch_mean,
                         std::span<const double> batch_var, double batch_count);

  // Exact binary form (little-endian IEEE doubles behind a magic header).
  std::string Serialize() const;
  // CORRUPTION-style VALIDATION_ERROR if `bytes` is not a Serialize output.
  static Result<RunningMeanStd> Deserialize(std::string_view bytes);
  // {"count": c, "mean": [...], "var": [...]}; doubles round-trip exactly.
  std::string ToJson() const;
  static Result<RunningMeanStd> FromJson(std::string_view json);

  bool operator==(const RunningMeanStd&) const = default;

 private:
  template <typename T>
  void MergeOne(std::span<const T> x);

  std::vector<double> mean_, var_;
  double count_;
};

}  // namespace trainyard::env
