// What a model predicts: BUY/HOLD/SELL classes, the forward return, or the
// next period's return for time-series forecasting, from a symbol's closes.
// A target at day t looks forward (t+1..t+horizon) by definition; features
// never do, and datasets drop rows whose target would need missing bars.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::ml {

enum class ModelType { kClassification, kRegression, kTimeSeries };

// "CLASSIFICATION", "REGRESSION", "TIME_SERIES".
const char* ModelTypeName(ModelType type);
// Parses the wire names above; VALIDATION_ERROR (field "model_type") listing
// them otherwise.
Result<ModelType> ParseModelType(const std::string& name);

// Class indices of a CLASSIFICATION model (the XGBoost label values).
enum Signal : int { kSell = 0, kHold = 1, kBuy = 2 };
constexpr int kNumSignals = 3;
// "SELL", "HOLD", "BUY". REQUIRES: 0 <= signal < kNumSignals.
const char* SignalName(int signal);

struct TargetSpec {
  ModelType type = ModelType::kClassification;
  int horizon = 5;          // trading days ahead (>= 1)
  double threshold = 0.01;  // CLASSIFICATION: |forward return| for BUY/SELL
  int lags = 3;             // TIME_SERIES: feature values at t, t-1, ...
};

// Checks horizon in [1, 60], threshold in [0, 1), lags in [1, 20].
Status ValidateTargetSpec(const TargetSpec& spec);

// Forward simple return close[t+h]/close[t] - 1; NaN where t+h is past the end.
std::vector<double> ForwardReturns(const std::vector<double>& close, int h);

// BUY if r > threshold, SELL if r < -threshold, HOLD otherwise.
// REQUIRES: r is not NaN.
int SignalFromReturn(double r, double threshold);

}  // namespace trainyard::ml
