// A trained XGBoost tree ensemble flattened into plain node arrays for fast
// batch inference on server threads: no DMatrix, no booster lock, no
// per-call allocation beyond the output. Built from the model's JSON; it
// evaluates exactly what XGBoost's CPU predictor does for the models AI
// Studio trains (gbtree, numerical splits, multi:softprob or
// reg:squarederror) and refuses anything else, so callers fall back.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ml/xgb_model.h"

namespace trainyard::ml {

class FlatForest {
 public:
  // Parses XGBoost's JSON model text. INTERNAL_ERROR for models it cannot
  // evaluate exactly (other boosters or objectives, categorical splits);
  // CORRUPTION for malformed text.
  static Result<FlatForest> FromXgboostJson(std::string_view json);

  // Outputs for every row of x (rows x num_features, NaN = missing):
  // class probabilities (rows x groups) for softprob, else one value per
  // row — what XgbModel::Predict returns. Thread-safe (read-only).
  // REQUIRES: x.cols == num_features().
  std::vector<float> Predict(MatrixView x) const;

  size_t num_features() const { return num_features_; }
  int groups() const { return groups_; }

 private:
  // 12 bytes; a split's children are adjacent (left, left + 1), so a
  // traversal step is branch-free: next = left + (goes right).
  struct Node {
    int32_t left = -1;  // -1 for a leaf
    uint32_t feature = 0;  // kDefaultLeft bit: missing values go left
    float value = 0;  // split threshold (go left if x < value), or leaf value
  };
  static constexpr uint32_t kDefaultLeft = 1u << 31;

  std::vector<Node> nodes_;    // all trees, children indices absolute
  std::vector<int32_t> roots_;  // first node of each tree
  std::vector<int32_t> group_;  // output group of each tree
  float base_score_ = 0.5f;
  int groups_ = 1;
  bool softmax_ = false;
  size_t num_features_ = 0;
};

}  // namespace trainyard::ml
