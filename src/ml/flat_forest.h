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

  // Exact SHAP values of one row for output group `group` only: the
  // path-dependent TreeSHAP of Lundberg et al. 2018 (Algorithm 2), computed
  // as XGBoost's pred_contribs computes it (same float arithmetic, trees in
  // model order), so values agree with XGBoost to float rounding. Writes
  // num_features() + 1 values to phi: one per feature, then the bias
  // (base score + the trees' expected values). They sum to the group's
  // margin. Allocation-free after a thread's first call (its path buffer is
  // thread_local); thread-safe (read-only).
  // REQUIRES: explainable(); row has num_features() values (NaN = missing),
  // 0 <= group < groups(), phi has room for num_features() + 1.
  void ShapValues(const float* row, int group, float* phi) const;

  // True when the model JSON carried node covers, so ShapValues works.
  bool explainable() const { return !roots_.empty() && !cover_.empty(); }
  size_t num_features() const { return num_features_; }
  int groups() const { return groups_; }

 private:
  // 12 bytes; a split's children are adjacent (left, left + 1), so a
  // traversal step is branch-free: next = left + (goes right).
  struct Node {
    int32_t left = -1;     // -1 for a leaf
    uint32_t feature = 0;  // kDefaultLeft bit: missing values go left
    float value = 0;  // split threshold (go left if x < value), or leaf value
  };
  static constexpr uint32_t kDefaultLeft = 1u << 31;

  // Records the covers of the tree just appended at `offset` (order[k] is
  // the XGBoost id of node offset + k) and the tree's expected value.
  void AddShapInputs(int32_t offset, const std::vector<int32_t>& order,
                     const std::vector<float>& hess);
  // XGBoost's FillNodeMeanValues: cover-weighted mean of the leaves below.
  float NodeMean(int32_t node) const;

  std::vector<Node> nodes_;     // all trees, children indices absolute
  std::vector<int32_t> roots_;  // first node of each tree
  std::vector<int32_t> group_;  // output group of each tree
  // TreeSHAP inputs: each node's cover (XGBoost's sum_hessian, the training
  // weight that reached it), and each tree's expected value (cover-weighted
  // mean of its leaves, XGBoost's node mean of the root).
  std::vector<float> cover_;
  std::vector<float> expected_;
  int max_depth_ = 0;  // deepest leaf over all trees (root = 0)
  float base_score_ = 0.5f;
  int groups_ = 1;
  bool softmax_ = false;
  size_t num_features_ = 0;
};

}  // namespace trainyard::ml
