#include "ml/dataset.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ml/features.h"

namespace trainyard::ml {
namespace {

int MaxWarmup(const std::vector<std::string>& features) {
  int warmup = 0;
  for (const auto& name : features) {
    warmup = std::max(warmup, FindFeature(name)->first_defined);
  }
  return warmup;
}

// Appends the rows of one series to `out` (unsorted).
Status AppendSeries(const OhlcvSeries& full, int symbol_index,
                    const DatasetSpec& spec, Dataset* out) {
  const OhlcvSeries s =
      full.Slice(full.days.empty() ? 0 : full.days.front(), spec.last_day);
  TY_ASSIGN_OR_RETURN(const FeatureColumns cols,
                      ComputeFeatures(s, spec.features));
  const bool ts = spec.target.type == ModelType::kTimeSeries;
  const int lags = ts ? spec.target.lags : 1;
  const std::vector<double> fwd = ForwardReturns(s.close, spec.target.horizon);
  const std::vector<double> next = ForwardReturns(s.close, 1);
  std::vector<float> row(out->num_features);
  for (size_t t = lags - 1; t < s.size(); ++t) {
    if (s.days[t] < spec.first_day) continue;
    if (spec.require_target && std::isnan(fwd[t])) continue;
    bool defined = true;
    for (size_t f = 0; f < cols.values.size() && defined; ++f) {
      for (int lag = 0; lag < lags; ++lag) {
        const double v = cols.values[f][t - lag];
        if (!std::isfinite(v)) {
          defined = false;
          break;
        }
        row[f * lags + lag] = static_cast<float>(v);
      }
    }
    if (!defined) continue;
    out->x.insert(out->x.end(), row.begin(), row.end());
    const double target =
        spec.target.type == ModelType::kClassification && !std::isnan(fwd[t])
            ? SignalFromReturn(fwd[t], spec.target.threshold)
            : fwd[t];
    out->y.push_back(static_cast<float>(target));
    out->info.push_back({symbol_index, s.days[t], s.close[t], fwd[t], next[t]});
  }
  return Status::Ok();
}

// The distinct days of `indices`, ascending.
std::vector<DayNumber> DistinctDays(const Dataset& data,
                                    const std::vector<size_t>& indices) {
  std::vector<DayNumber> days;
  days.reserve(indices.size());
  for (size_t i : indices) days.push_back(data.info[i].day);
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

// Rows of `indices` with day in [lo, hi).
std::vector<size_t> RowsInDays(const Dataset& data,
                               const std::vector<size_t>& indices, DayNumber lo,
                               DayNumber hi) {
  std::vector<size_t> out;
  for (size_t i : indices) {
    if (data.info[i].day >= lo && data.info[i].day < hi) out.push_back(i);
  }
  return out;
}

}  // namespace

const char* Dataset::data_source() const {
  for (DataSource s : sources) {
    if (s == DataSource::kSynthetic) return DataSourceName(s);
  }
  return DataSourceName(DataSource::kImported);
}

Dataset Dataset::Subset(const std::vector<size_t>& indices) const {
  Dataset out;
  out.type = type;
  out.symbols = symbols;
  out.sources = sources;
  out.feature_names = feature_names;
  out.num_features = num_features;
  out.x.reserve(indices.size() * num_features);
  for (size_t i : indices) {
    out.x.insert(out.x.end(), x.begin() + i * num_features,
                 x.begin() + (i + 1) * num_features);
    out.y.push_back(y[i]);
    out.info.push_back(info[i]);
  }
  return out;
}

std::vector<std::string> ModelInputNames(
    const std::vector<std::string>& features, const TargetSpec& target) {
  if (target.type != ModelType::kTimeSeries) return features;
  std::vector<std::string> names;
  for (const auto& f : features) {
    names.push_back(f);
    for (int lag = 1; lag < target.lags; ++lag) {
      names.push_back(f + "_lag" + std::to_string(lag));
    }
  }
  return names;
}

Result<Dataset> BuildDataset(const std::vector<OhlcvSeries>& series,
                             const DatasetSpec& spec) {
  TY_RETURN_IF_ERROR(ValidateFeatureNames(spec.features));
  TY_RETURN_IF_ERROR(ValidateTargetSpec(spec.target));
  if (series.empty()) {
    return ValidationError("no symbols given",
                           {{"symbols", "This field is required"}});
  }
  if (spec.last_day < spec.first_day) {
    return ValidationError("end_date is before start_date",
                           {{"end_date", "must be on or after start_date"}});
  }
  Dataset unsorted;
  unsorted.type = spec.target.type;
  unsorted.feature_names = ModelInputNames(spec.features, spec.target);
  unsorted.num_features = unsorted.feature_names.size();
  for (size_t i = 0; i < series.size(); ++i) {
    unsorted.symbols.push_back(series[i].symbol);
    unsorted.sources.push_back(series[i].source);
    TY_RETURN_IF_ERROR(
        AppendSeries(series[i], static_cast<int>(i), spec, &unsorted));
  }
  if (unsorted.rows() == 0) {
    const int lags =
        spec.target.type == ModelType::kTimeSeries ? spec.target.lags : 1;
    return ValidationError(
        "no usable rows between " + FormatDate(spec.first_day) + " and " +
            FormatDate(spec.last_day) + ": features need " +
            std::to_string(MaxWarmup(spec.features) + lags) +
            " bars of history" +
            (spec.require_target
                 ? " and targets " + std::to_string(spec.target.horizon) +
                       " bars after each row"
                 : std::string()),
        {{"start_date", "date range too short for the selected features"}});
  }
  std::vector<size_t> order(unsorted.rows());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const RowInfo& ra = unsorted.info[a];
    const RowInfo& rb = unsorted.info[b];
    return ra.day != rb.day ? ra.day < rb.day : ra.symbol < rb.symbol;
  });
  return unsorted.Subset(order);
}

Result<Split> TimeOrderedSplit(const Dataset& data, double train_fraction,
                               int embargo_days) {
  if (!(train_fraction > 0 && train_fraction < 1)) {
    return ValidationError("train_test_split must be in (0, 1)",
                           {{"train_test_split", "must be in (0, 1)"}});
  }
  std::vector<size_t> all(data.rows());
  std::iota(all.begin(), all.end(), 0);
  const std::vector<DayNumber> days = DistinctDays(data, all);
  const size_t cut = static_cast<size_t>(train_fraction * days.size());
  const size_t train_end =
      cut > static_cast<size_t>(embargo_days) ? cut - embargo_days : 0;
  if (train_end == 0 || cut >= days.size()) {
    return ValidationError(
        "not enough distinct days (" + std::to_string(days.size()) +
            ") for a train/test split with train_test_split " +
            std::to_string(train_fraction),
        {{"train_test_split", "leaves an empty train or test period"}});
  }
  Split split;
  split.train = RowsInDays(data, all, days.front(), days[train_end]);
  split.test = RowsInDays(data, all, days[cut], days.back() + 1);
  return split;
}

Result<std::vector<Split>> WalkForwardFolds(const Dataset& data,
                                            const std::vector<size_t>& indices,
                                            int folds, int embargo_days) {
  if (folds < 2 || folds > 20) {
    return ValidationError("cross_validation_folds must be in [2, 20]",
                           {{"cross_validation_folds", "must be in [2, 20]"}});
  }
  const std::vector<DayNumber> days = DistinctDays(data, indices);
  const size_t blocks = folds + 1;
  const size_t block = days.size() / blocks;
  if (block <= static_cast<size_t>(embargo_days)) {
    return ValidationError(
        "not enough training days (" + std::to_string(days.size()) + ") for " +
            std::to_string(folds) + " walk-forward folds",
        {{"cross_validation_folds", "too many folds for the date range"}});
  }
  std::vector<Split> out;
  for (size_t k = 1; k <= static_cast<size_t>(folds); ++k) {
    const size_t valid_begin = k * block;
    const size_t valid_end =
        k == static_cast<size_t>(folds) ? days.size() : (k + 1) * block;
    const size_t train_end = valid_begin - embargo_days;
    Split s;
    s.train = RowsInDays(data, indices, days.front(), days[train_end]);
    s.test = RowsInDays(
        data, indices, days[valid_begin],
        valid_end == days.size() ? days.back() + 1 : days[valid_end]);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace trainyard::ml
