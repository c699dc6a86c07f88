// Daily OHLCV price data for AI Studio: symbols imported from CSV (the CLI
// `trainyard import ohlcv` and the upload endpoint) stored under
// <home>/datasets/, and the seeded synthetic demo symbols (NIFTY50,
// BANKNIFTY, RELIANCE, ...) used when a symbol was never imported. Every
// series says where it came from (data_source "imported" / "synthetic").
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ml/ohlcv.h"
#include "store/artifact_store.h"
#include "store/tables/studio_datasets.h"

namespace trainyard::studio {

// Symbols the synthetic generator supplies when they were not imported.
const std::vector<std::string>& DemoSymbols();

struct DatasetInfo {
  std::string symbol;
  std::string data_source;  // "imported" or "synthetic"
  int64_t rows = 0;
  std::string first_date, last_date;
  bool has_volume = true;
  std::string owner_id;     // who imported it (empty for synthetic)
  int64_t imported_at = 0;  // unix ms (0 for synthetic)
};

// Thread-safe. Pointers are not owned and must outlive this object.
class MarketData {
 public:
  // Not owned. `artifacts` holds the imported files, published so that
  // every host (API servers and workers of a PostgreSQL deployment) reads
  // the latest import.
  MarketData(store::studio::DatasetRepository* datasets,
             store::ArtifactStore* artifacts, const Clock* clock)
      : datasets_(datasets), artifacts_(artifacts), clock_(clock) {}

  // Validates `csv` (ml::ParseOhlcvCsv: dates, positive prices, high >= low,
  // duplicates, ...) and stores it as `symbol` (upper-case letters, digits,
  // '.', '_' and '-', at most 32). Replacing a symbol someone else imported
  // needs `is_admin` (CONFLICT otherwise). VALIDATION_ERROR with per-row
  // details for bad data; IO_ERROR if the file cannot be written.
  Result<DatasetInfo> Import(const std::string& owner_id, bool is_admin,
                             const std::string& symbol, const std::string& csv);
  // The series for `symbol`: the imported one, else the synthetic history
  // (2000-01-03 to today) of a demo symbol, else VALIDATION_ERROR (field
  // "symbols") listing what is available. Cached in memory.
  Result<std::shared_ptr<const ml::OhlcvSeries>> Load(
      const std::string& symbol);
  // OK if every symbol can be loaded; else one VALIDATION_ERROR naming all
  // unknown ones under `field`.
  Status CheckSymbols(const std::vector<std::string>& symbols,
                      const std::string& field);
  // Imported datasets, then the demo symbols that were not imported.
  Result<std::vector<DatasetInfo>> List();

 private:
  Result<std::optional<DatasetInfo>> Find(const std::string& symbol);
  store::studio::DatasetRepository* datasets_;
  store::ArtifactStore* artifacts_;
  const Clock* clock_;
  std::mutex mu_;
  // symbol -> (cache key, series); the key changes on import or a new day.
  std::map<std::string,
           std::pair<std::string, std::shared_ptr<const ml::OhlcvSeries>>>
      cache_;
};

}  // namespace trainyard::studio
