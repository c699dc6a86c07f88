// A trained XGBoost model (random forest or gradient boosting) behind a
// narrow interface: train from a feature matrix, predict class
// probabilities or values, SHAP contributions, gain importance, and
// (de)serialisation to bytes or a file. XGBoost itself stays in the .cc;
// every XGBoost error is caught and returned as a Status.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ml/hyperparameters.h"
#include "ml/targets.h"

namespace trainyard::ml {

// A dense row-major float matrix view. Not owning.
struct MatrixView {
  const float* data = nullptr;
  size_t rows = 0;
  size_t cols = 0;
};

// Called after each boosting round with (rounds done, total rounds); return
// false to cancel. May be empty.
using ProgressFn = std::function<bool(int done, int total)>;

// SHAP contributions (XGBoost TreeSHAP, pred_contribs).
struct Contributions {
  size_t rows = 0, groups = 0, features = 0;
  // rows x groups x (features + 1); the last entry of each group is the bias
  // (expected margin). groups is kNumSignals for classification, else 1.
  std::vector<float> values;
  float at(size_t row, size_t group, size_t feature) const {
    return values[(row * groups + group) * (features + 1) + feature];
  }
  float bias(size_t row, size_t group) const {
    return at(row, group, features);
  }
};

// How feature contributions are computed.
enum class ContributionMethod {
  // Exact TreeSHAP (Lundberg et al.): Shapley values. Cost per row grows as
  // trees x leaves x depth^2 - about 5 ms for 300 trees of depth 8.
  kTreeShap,
  // Saabas path attribution (XGBoost approx_contribs): each split's change
  // in expected value goes to its feature. Also sums to the margin; cost
  // trees x depth. Not Shapley values - label it as approximate.
  kSaabas,
};

class FlatForest;  // flat_forest.h

// True for the Status that Train returns when ProgressFn asked to stop.
bool IsCancelled(const Status& status);

// Move-only. Thread-safe: const methods may be called concurrently (calls into
// XGBoost are serialised internally).
class XgbModel {
 public:
  XgbModel(XgbModel&&) noexcept;
  XgbModel& operator=(XgbModel&&) noexcept;
  ~XgbModel();

  // Trains on x (rows x feature_names.size()) with labels y (class index
  // 0..2 for CLASSIFICATION, a real value otherwise). Deterministic for a
  // given config (seed) and data.
  // Returns UNPROCESSABLE (ErrorCode::kUnprocessable) on XGBoost failure,
  // VALIDATION_ERROR on shape mismatch, or the IsCancelled status.
  static Result<XgbModel> Train(ModelType type,
                                std::vector<std::string> feature_names,
                                MatrixView x, const std::vector<float>& y,
                                const BoosterConfig& config,
                                const ProgressFn& progress = {});

  // Loads bytes produced by Serialize(). CORRUPTION on anything else.
  static Result<XgbModel> Deserialize(std::string_view bytes);
  // Reads a file written by SaveToFile(). IO_ERROR / CORRUPTION.
  static Result<XgbModel> LoadFromFile(const std::string& path);

  // The model (XGBoost JSON, with our model type and feature names stored as
  // booster attributes), self-contained.
  Result<std::string> Serialize() const;
  // Writes Serialize() to `path` atomically (temp file, fsync, rename).
  Status SaveToFile(const std::string& path) const;

  // CLASSIFICATION: rows x kNumSignals probabilities (SELL, HOLD, BUY).
  // Otherwise: rows predicted values. REQUIRES: x.cols == num_features().
  Result<std::vector<float>> Predict(MatrixView x) const;
  // The raw margin (before softmax), rows x groups.
  Result<std::vector<float>> PredictMargin(MatrixView x) const;
  // Feature contributions; per row and group they sum with the bias to the
  // margin (for either method).
  Result<Contributions> PredictContributions(
      MatrixView x,
      ContributionMethod method = ContributionMethod::kTreeShap) const;

  // Total gain per feature (XGBoost "total_gain"), normalised to sum to 1
  // (all zeros if the model never split). Aligned with feature_names().
  Result<std::vector<double>> GainImportance() const;

  // String attributes saved with the model (e.g. the training recipe).
  // Keys starting with "trainyard_" are reserved for this class.
  Status SetAttribute(const std::string& key, const std::string& value);
  // The value, or NOT_FOUND if the model has no such attribute.
  Result<std::string> GetAttribute(const std::string& key) const;

  // The same trees as plain arrays (flat_forest.h) for loaded models that
  // could be flattened, else null (freshly trained models, other
  // objectives). Lives as long as the model.
  const FlatForest* flat_forest() const;

  ModelType type() const { return type_; }
  const std::vector<std::string>& feature_names() const { return names_; }
  size_t num_features() const { return names_.size(); }
  size_t num_groups() const {
    return type_ == ModelType::kClassification ? kNumSignals : 1;
  }

 private:
  struct Impl;
  XgbModel(std::unique_ptr<Impl> impl, ModelType type,
           std::vector<std::string> names);
  Status CheckShape(MatrixView x) const;

  std::unique_ptr<Impl> impl_;
  ModelType type_;
  std::vector<std::string> names_;
};

}  // namespace trainyard::ml
