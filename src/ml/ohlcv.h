// Daily OHLCV price series for one symbol: CSV import with per-row
// validation, and the provenance label ("imported" or "synthetic") that every
// AI Studio answer built on the series must carry as "data_source".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ml/calendar.h"

namespace trainyard::ml {

enum class DataSource { kImported, kSynthetic };

// "imported" or "synthetic" (the wire value of "data_source").
const char* DataSourceName(DataSource source);

// One symbol's bars, oldest first, stored column-wise so feature code can run
// over contiguous arrays. All columns have the same length.
struct OhlcvSeries {
  std::string symbol;
  DataSource source = DataSource::kImported;
  // False when the CSV had no volume column: volume is then all zeros and the
  // volume features (volume_ma_ratio, obv) are rejected for this series.
  bool has_volume = true;
  std::vector<DayNumber> days;
  std::vector<double> open, high, low, close, volume;

  size_t size() const { return days.size(); }
  // The bars with day in [first, last] (inclusive), same symbol and source.
  OhlcvSeries Slice(DayNumber first, DayNumber last) const;
};

// Checks every bar: strictly increasing dates (a repeated date is reported as
// a duplicate), prices finite and > 0, high >= low, high >= max(open, close),
// low <= min(open, close), volume finite and >= 0, equal column lengths.
// Returns OK or a VALIDATION_ERROR whose details hold one entry per problem
// (field "row <n>.<column>", n = 1-based data row), at most 20 of them.
Status ValidateOhlcv(const OhlcvSeries& series);

// Parses CSV text with a header row. Columns are found by (case-insensitive)
// name: "date" and "close" are required; "open", "high", "low" default to the
// close when absent; "volume" is optional (has_volume = false when absent);
// other columns (e.g. "adjclose") are ignored. Dates are YYYY-MM-DD. Blank
// lines are skipped. The result is validated with ValidateOhlcv.
// Returns the series (source kImported) or VALIDATION_ERROR with row/field
// details for malformed numbers, dates, missing cells or failed checks.
Result<OhlcvSeries> ParseOhlcvCsv(std::string symbol, std::string_view csv);

// Reads `path` and parses it as above. IO_ERROR when the file is unreadable.
Result<OhlcvSeries> LoadOhlcvCsv(std::string symbol, const std::string& path);

}  // namespace trainyard::ml
