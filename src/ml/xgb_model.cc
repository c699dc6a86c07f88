#include "ml/xgb_model.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <sstream>

#include "ml/file_io.h"
#include "ml/flat_forest.h"

namespace trainyard::ml {
namespace {

constexpr char kCancelledMessage[] = "training cancelled";
constexpr char kTypeAttr[] = "trainyard_model_type";
constexpr char kFeaturesAttr[] = "trainyard_feature_names";

Status XgbError(ErrorCode code, const std::string& what) {
  return Status(code, what + ": " + XGBGetLastError());
}

// Evaluates an XGBoost C call; on failure returns a Status with `code`.
#define XGB_RETURN_IF_ERROR(call, code)              \
  do {                                               \
    if ((call) != 0) return XgbError((code), #call); \
  } while (0)

struct DMatrixDeleter {
  void operator()(void* h) const { XGDMatrixFree(h); }
};
using DMatrixPtr = std::unique_ptr<void, DMatrixDeleter>;

Result<DMatrixPtr> MakeDMatrix(MatrixView x, ErrorCode code) {
  DMatrixHandle h = nullptr;
  XGB_RETURN_IF_ERROR(
      XGDMatrixCreateFromMat(x.data, x.rows, x.cols,
                             std::numeric_limits<float>::quiet_NaN(), &h),
      code);
  return DMatrixPtr(h);
}

std::string JoinLines(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : "\n") + n;
  return out;
}

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

}  // namespace

struct XgbModel::Impl {
  explicit Impl(BoosterHandle h) : booster(h) {}
  ~Impl() { XGBoosterFree(booster); }
  BoosterHandle booster;
  // XGBoost boosters keep prediction caches; serialise calls on one booster.
  std::mutex mu;
  // Loaded models: the same trees as plain arrays, which Predict uses
  // (several times faster than the booster, and lock-free). Null when the
  // model could not be flattened; the booster answers then.
  std::unique_ptr<const FlatForest> flat;
};

bool IsCancelled(const Status& status) {
  return status.code() == ErrorCode::kUnavailable &&
         status.message() == kCancelledMessage;
}

XgbModel::XgbModel(std::unique_ptr<Impl> impl, ModelType type,
                   std::vector<std::string> names)
    : impl_(std::move(impl)), type_(type), names_(std::move(names)) {}
XgbModel::XgbModel(XgbModel&&) noexcept = default;
XgbModel& XgbModel::operator=(XgbModel&&) noexcept = default;
XgbModel::~XgbModel() = default;

Status XgbModel::CheckShape(MatrixView x) const {
  if (x.cols != names_.size()) {
    return ValidationError("expected " + std::to_string(names_.size()) +
                           " feature columns, got " + std::to_string(x.cols));
  }
  if (x.rows == 0 || x.data == nullptr) {
    return ValidationError("no rows to predict");
  }
  return Status::Ok();
}

Result<XgbModel> XgbModel::Train(ModelType type,
                                 std::vector<std::string> feature_names,
                                 MatrixView x, const std::vector<float>& y,
                                 const BoosterConfig& config,
                                 const ProgressFn& progress) {
  // XGBoost refused the data or the parameters: nothing to retry as is.
  constexpr ErrorCode kCode = ErrorCode::kUnprocessable;
  if (x.cols != feature_names.size() || x.rows != y.size() || x.rows == 0) {
    return ValidationError(
        "training matrix shape mismatch: " + std::to_string(x.rows) + "x" +
        std::to_string(x.cols) + " with " + std::to_string(y.size()) +
        " labels and " + std::to_string(feature_names.size()) + " names");
  }
  TY_ASSIGN_OR_RETURN(DMatrixPtr dtrain, MakeDMatrix(x, kCode));
  XGB_RETURN_IF_ERROR(
      XGDMatrixSetFloatInfo(dtrain.get(), "label", y.data(), y.size()), kCode);
  BoosterHandle h = nullptr;
  DMatrixHandle mats[] = {dtrain.get()};
  XGB_RETURN_IF_ERROR(XGBoosterCreate(mats, 1, &h), kCode);
  auto impl = std::make_unique<Impl>(h);
  for (const auto& [key, value] : config.params) {
    XGB_RETURN_IF_ERROR(XGBoosterSetParam(h, key.c_str(), value.c_str()),
                        kCode);
  }
  for (int round = 0; round < config.rounds; ++round) {
    XGB_RETURN_IF_ERROR(XGBoosterUpdateOneIter(h, round, dtrain.get()), kCode);
    if (progress && !progress(round + 1, config.rounds)) {
      return Status(ErrorCode::kUnavailable, kCancelledMessage);
    }
  }
  XGB_RETURN_IF_ERROR(XGBoosterSetAttr(h, kTypeAttr, ModelTypeName(type)),
                      kCode);
  XGB_RETURN_IF_ERROR(
      XGBoosterSetAttr(h, kFeaturesAttr, JoinLines(feature_names).c_str()),
      kCode);
  return XgbModel(std::move(impl), type, std::move(feature_names));
}

Result<XgbModel> XgbModel::Deserialize(std::string_view bytes) {
  constexpr ErrorCode kCode = ErrorCode::kCorruption;
  BoosterHandle h = nullptr;
  XGB_RETURN_IF_ERROR(XGBoosterCreate(nullptr, 0, &h), ErrorCode::kInternal);
  auto impl = std::make_unique<Impl>(h);
  XGB_RETURN_IF_ERROR(
      XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()), kCode);
  // A loaded model answers single requests on server threads; OpenMP over
  // every core for one row costs far more than it saves (p50 52 ms vs 0.7 ms
  // on a busy machine).
  XGB_RETURN_IF_ERROR(XGBoosterSetParam(h, "nthread", "1"),
                      ErrorCode::kInternal);
  const char* value = nullptr;
  int found = 0;
  XGB_RETURN_IF_ERROR(XGBoosterGetAttr(h, kTypeAttr, &value, &found), kCode);
  if (!found) return Status(kCode, "model has no trainyard model type");
  auto type = ParseModelType(value);
  if (!type.ok()) return Status(kCode, "bad stored model type");
  XGB_RETURN_IF_ERROR(XGBoosterGetAttr(h, kFeaturesAttr, &value, &found),
                      kCode);
  if (!found) return Status(kCode, "model has no feature names");
  std::vector<std::string> names = SplitLines(value);
  if (Result<FlatForest> flat = FlatForest::FromXgboostJson(bytes);
      flat.ok() && flat->num_features() == names.size()) {
    impl->flat = std::make_unique<const FlatForest>(std::move(*flat));
  }
  return XgbModel(std::move(impl), *type, std::move(names));
}

Result<XgbModel> XgbModel::LoadFromFile(const std::string& path) {
  TY_ASSIGN_OR_RETURN(const std::string bytes, ReadFile(path, "model file"));
  return Deserialize(bytes);
}

Result<std::string> XgbModel::Serialize() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  bst_ulong len = 0;
  const char* data = nullptr;
  XGB_RETURN_IF_ERROR(XGBoosterSaveModelToBuffer(
                          impl_->booster, R"({"format": "json"})", &len, &data),
                      ErrorCode::kInternal);
  return std::string(data, len);
}

Status XgbModel::SaveToFile(const std::string& path) const {
  TY_ASSIGN_OR_RETURN(const std::string bytes, Serialize());
  return WriteFileAtomically(path, bytes);
}

namespace {

// type: 0 value/probability, 1 margin, 2 SHAP, 3 approximate contributions.
Result<std::vector<float>> RunPredict(BoosterHandle h, MatrixView x, int type,
                                      std::vector<bst_ulong>* shape) {
  constexpr ErrorCode kCode = ErrorCode::kInternal;
  TY_ASSIGN_OR_RETURN(DMatrixPtr dm, MakeDMatrix(x, kCode));
  const std::string config =
      R"({"type": )" + std::to_string(type) +
      R"(, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": true})";
  const bst_ulong* out_shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  XGB_RETURN_IF_ERROR(XGBoosterPredictFromDMatrix(h, dm.get(), config.c_str(),
                                                  &out_shape, &dim, &out),
                      kCode);
  size_t total = 1;
  shape->assign(out_shape, out_shape + dim);
  for (bst_ulong d : *shape) total *= d;
  return std::vector<float>(out, out + total);
}

}  // namespace

Result<std::vector<float>> XgbModel::Predict(MatrixView x) const {
  TY_RETURN_IF_ERROR(CheckShape(x));
  if (impl_->flat) return impl_->flat->Predict(x);
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<bst_ulong> shape;
  return RunPredict(impl_->booster, x, 0, &shape);
}

const FlatForest* XgbModel::flat_forest() const { return impl_->flat.get(); }

Result<std::vector<float>> XgbModel::PredictMargin(MatrixView x) const {
  TY_RETURN_IF_ERROR(CheckShape(x));
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<bst_ulong> shape;
  return RunPredict(impl_->booster, x, 1, &shape);
}

Result<Contributions> XgbModel::PredictContributions(
    MatrixView x, ContributionMethod method) const {
  TY_RETURN_IF_ERROR(CheckShape(x));
  std::lock_guard<std::mutex> lock(impl_->mu);
  std::vector<bst_ulong> shape;
  const int type = method == ContributionMethod::kSaabas ? 3 : 2;
  TY_ASSIGN_OR_RETURN(std::vector<float> values,
                      RunPredict(impl_->booster, x, type, &shape));
  // strict_shape: (rows, groups, features + 1).
  if (shape.size() != 3 || shape[0] != x.rows || shape[1] != num_groups() ||
      shape[2] != x.cols + 1) {
    return InternalError("unexpected SHAP output shape from XGBoost");
  }
  Contributions c;
  c.rows = x.rows;
  c.groups = num_groups();
  c.features = x.cols;
  c.values = std::move(values);
  return c;
}

Status XgbModel::SetAttribute(const std::string& key,
                              const std::string& value) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  XGB_RETURN_IF_ERROR(
      XGBoosterSetAttr(impl_->booster, key.c_str(), value.c_str()),
      ErrorCode::kInternal);
  return Status::Ok();
}

Result<std::string> XgbModel::GetAttribute(const std::string& key) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  const char* value = nullptr;
  int found = 0;
  XGB_RETURN_IF_ERROR(
      XGBoosterGetAttr(impl_->booster, key.c_str(), &value, &found),
      ErrorCode::kInternal);
  if (!found) return NotFoundError("model has no attribute '" + key + "'");
  return std::string(value);
}

Result<std::vector<double>> XgbModel::GainImportance() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  XGB_RETURN_IF_ERROR(
      XGBoosterFeatureScore(impl_->booster,
                            R"({"importance_type": "total_gain"})", &n, &names,
                            &dim, &shape, &scores),
      ErrorCode::kInternal);
  std::vector<double> gain(names_.size(), 0.0);
  double total = 0;
  for (bst_ulong i = 0; i < n; ++i) {
    // Without feature names XGBoost reports "f<index>".
    unsigned idx = 0;
    if (std::sscanf(names[i], "f%u", &idx) != 1 || idx >= gain.size()) {
      return InternalError(std::string("unexpected feature name ") + names[i]);
    }
    gain[idx] += scores[i];
    total += scores[i];
  }
  if (total > 0) {
    for (double& g : gain) g /= total;
  }
  return gain;
}

}  // namespace trainyard::ml
