#include "ml/targets.h"

#include <limits>

namespace trainyard::ml {

const char* ModelTypeName(ModelType type) {
  switch (type) {
    case ModelType::kClassification:
      return "CLASSIFICATION";
    case ModelType::kRegression:
      return "REGRESSION";
    case ModelType::kTimeSeries:
      return "TIME_SERIES";
  }
  return "CLASSIFICATION";
}

Result<ModelType> ParseModelType(const std::string& name) {
  for (ModelType t : {ModelType::kClassification, ModelType::kRegression,
                      ModelType::kTimeSeries}) {
    if (name == ModelTypeName(t)) return t;
  }
  return ValidationError(
      "unknown model_type '" + name + "'",
      {{"model_type",
        "must be one of CLASSIFICATION, REGRESSION, TIME_SERIES"}});
}

const char* SignalName(int signal) {
  static constexpr const char* kNames[] = {"SELL", "HOLD", "BUY"};
  return kNames[signal];
}

Status ValidateTargetSpec(const TargetSpec& spec) {
  std::vector<FieldError> details;
  if (spec.horizon < 1 || spec.horizon > 60) {
    details.push_back({"horizon", "must be an integer in [1, 60]"});
  }
  if (!(spec.threshold >= 0 && spec.threshold < 1)) {
    details.push_back({"threshold", "must be in [0, 1)"});
  }
  if (spec.lags < 1 || spec.lags > 20) {
    details.push_back({"lags", "must be an integer in [1, 20]"});
  }
  if (details.empty()) return Status::Ok();
  return ValidationError("invalid target configuration", std::move(details));
}

std::vector<double> ForwardReturns(const std::vector<double>& close, int h) {
  std::vector<double> out(close.size(),
                          std::numeric_limits<double>::quiet_NaN());
  for (size_t t = 0; t + h < close.size(); ++t) {
    out[t] = close[t + h] / close[t] - 1.0;
  }
  return out;
}

int SignalFromReturn(double r, double threshold) {
  if (r > threshold) return kBuy;
  if (r < -threshold) return kSell;
  return kHold;
}

}  // namespace trainyard::ml
