// Imported market data of a pool (datasets/pools/<pool>.csv, rows
// timestamp,price[,volume]) and the price history up to a date that
// predict-action and inference replay to rebuild the pool state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/artifact_store.h"

namespace trainyard::ilp {

struct ImportSummary {
  std::string pool;  // the preset name the data belongs to
  std::string path;  // relative to the data directory
  int64_t rows = 0;
  int64_t first_timestamp = 0, last_timestamp = 0;
};

// Validates `csv` with market::ParsePriceCsv (VALIDATION_ERROR naming the
// first bad line in details["csv"]) and stores it for the pool (replacing
// earlier data), published at `now_ms` so that every host reads it (see
// LoadPoolHistory). VALIDATION_ERROR for an unknown pool; IO_ERROR on write.
Result<ImportSummary> ImportPoolData(store::ArtifactStore& artifacts,
                                     const std::string& pool_id,
                                     std::string_view csv, int64_t now_ms);

struct PoolHistory {
  std::vector<double>
      prices;  // oldest first, the last one at or before the date
  int64_t last_timestamp = 0;
  int64_t file_mtime_ns = 0;  // identifies the imported file's version
};

// The last `max_rows` prices at or before the end of `date` (YYYY-MM-DD,
// UTC), or nullopt when nothing is imported for the pool or no row is that
// old. Data another host imported later than this host's copy replaces it
// first (ArtifactStore::Refresh). VALIDATION_ERROR for an unknown pool or a
// bad date; CORRUPTION if the stored file no longer parses.
Result<std::optional<PoolHistory>> LoadPoolHistory(
    store::ArtifactStore& artifacts, const std::string& pool_id,
    const std::string& date, size_t max_rows);

// Seconds since the epoch at 00:00 UTC of YYYY-MM-DD (no validation).
int64_t DateToEpochSeconds(const std::string& date);

}  // namespace trainyard::ilp
