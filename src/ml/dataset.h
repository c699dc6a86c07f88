// Turns OHLCV series into model-ready rows (features at t, target after t),
// and splits them in time order: a train/test split and walk-forward
// cross-validation folds, both with an embargo so no training label peeks
// into the evaluation period.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "ml/calendar.h"
#include "ml/ohlcv.h"
#include "ml/targets.h"

namespace trainyard::ml {

struct DatasetSpec {
  std::vector<std::string> features;  // names from AllFeatures()
  TargetSpec target;
  DayNumber first_day = 0;  // rows with day in [first_day, last_day]
  DayNumber last_day = 0;
  // True for training data: rows without a target (the last `horizon` bars)
  // are dropped. False for inference rows: target/next_return may be NaN.
  bool require_target = true;
};

// Identity of one row, kept beside the feature matrix.
struct RowInfo {
  int symbol = 0;  // index into Dataset::symbols
  DayNumber day = 0;
  double close = 0;
  double forward_return = 0;  // close[t+h]/close[t]-1, NaN if unknown
  double next_return = 0;     // close[t+1]/close[t]-1, NaN if unknown
};

struct Dataset {
  ModelType type = ModelType::kClassification;
  std::vector<std::string> symbols;
  std::vector<DataSource> sources;         // per symbol
  std::vector<std::string> feature_names;  // model inputs, in column order
  size_t num_features = 0;
  std::vector<float> x;       // rows() x num_features, row-major
  std::vector<float> y;       // class index, or the forward return
  std::vector<RowInfo> info;  // sorted by (day, symbol)

  size_t rows() const { return info.size(); }
  // "synthetic" if any symbol is synthetic, otherwise "imported".
  const char* data_source() const;
  // The rows with the given indices, in that order.
  Dataset Subset(const std::vector<size_t>& indices) const;
};

// The model input names for `features` under `target`: the names
// themselves, or for TIME_SERIES "<name>", "<name>_lag1", ... per lag.
std::vector<std::string> ModelInputNames(
    const std::vector<std::string>& features, const TargetSpec& target);

// Builds rows from each series. Features are computed on the whole series
// before the window (so warm-up uses earlier history) but never on bars after
// last_day, and for training rows the target must fit inside the window too.
// Rows whose features are undefined (warm-up) are skipped.
// Returns VALIDATION_ERROR for bad names/specs, or when no row remains
// (message says how many bars the window had versus the warm-up needed).
Result<Dataset> BuildDataset(const std::vector<OhlcvSeries>& series,
                             const DatasetSpec& spec);

struct Split {
  std::vector<size_t> train;
  std::vector<size_t> test;
};

// Time-ordered split: the first `train_fraction` of the distinct days train,
// the rest test; the last `embargo_days` distinct training days are dropped
// (their labels overlap the test period). VALIDATION_ERROR if
// train_fraction is outside (0, 1) or either side ends up empty.
Result<Split> TimeOrderedSplit(const Dataset& data, double train_fraction,
                               int embargo_days);

// Expanding-window walk-forward folds over `indices` (time-ordered rows):
// their distinct days are cut into folds+1 equal blocks; fold k (1-based)
// trains on blocks [0, k) minus an embargo and validates on block k.
// VALIDATION_ERROR if folds < 2 or > 20, or a block would be empty.
Result<std::vector<Split>> WalkForwardFolds(const Dataset& data,
                                            const std::vector<size_t>& indices,
                                            int folds, int embargo_days);

}  // namespace trainyard::ml
