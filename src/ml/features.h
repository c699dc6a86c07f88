// The AI Studio feature library: technical indicators computed from one
// symbol's daily bars with exact, documented formulas
// (docs/ai-studio-models.md). A feature value at day t uses only bars 0..t (no
// look-ahead).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "ml/ohlcv.h"

namespace trainyard::ml {

struct FeatureInfo {
  const char* name;         // e.g. "rsi_14"
  const char* description;  // e.g. "14-period Relative Strength Index"
  // Index of the first bar at which the feature is defined (earlier: NaN).
  int first_defined;
  bool needs_volume;  // rejected for a series without volume
};

// Every supported feature, in a stable order.
const std::vector<FeatureInfo>& AllFeatures();

// The entry for `name`, or nullptr if there is none.
const FeatureInfo* FindFeature(const std::string& name);

// Description of a model input: a feature name, or "<feature>_lag<k>" (a
// TIME_SERIES input, described as "..., k days earlier"). Empty if unknown.
std::string DescribeModelInput(const std::string& input);

// OK if every name is known and none repeats; otherwise VALIDATION_ERROR with
// field "features" whose message lists the valid names.
Status ValidateFeatureNames(const std::vector<std::string>& names);

// One column per requested feature, each series.size() long, NaN where the
// feature is not yet defined (warm-up) or undefined (e.g. zero mean volume).
struct FeatureColumns {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // values[feature][bar]
};

// Computes `names` over `series`. Returns VALIDATION_ERROR for an unknown or
// repeated name, or a volume feature on a series without volume.
Result<FeatureColumns> ComputeFeatures(const OhlcvSeries& series,
                                       const std::vector<std::string>& names);

// Building blocks, exposed for tests and reuse. Each returns a vector of the
// input's length with NaN where undefined.
// Simple moving average over `n` values ending at t.
std::vector<double> Sma(const std::vector<double>& x, int n);
// EMA with alpha = 2/(n+1), seeded at index (start + n - 1) with the SMA of
// x[start .. start+n-1]; x[start..] must be finite.
std::vector<double> Ema(const std::vector<double>& x, int n, int start = 0);
// Wilder RSI over `n`: see docs for the exact recursion.
std::vector<double> WilderRsi(const std::vector<double>& close, int n);

}  // namespace trainyard::ml
