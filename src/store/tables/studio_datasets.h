// AI Studio's imported market data sets (table studio_datasets): which
// symbols were imported, by whom, where the CSV is and what it spans. The
// files themselves are in the data directory (products/studio/market_data.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::studio {

struct DatasetRow {
  std::string symbol;
  std::string owner_id;  // who imported it
  std::string path;      // relative to the data directory
  int64_t rows = 0;
  std::string first_date, last_date;  // YYYY-MM-DD
  bool has_volume = true;
  int64_t imported_at = 0;  // unix ms
};

// Thread-safe. `db` is not owned and outlives the repository.
class DatasetRepository {
 public:
  explicit DatasetRepository(Database* db) : db_(db) {}

  // The row of `symbol`, or nullopt if it was never imported.
  Result<std::optional<DatasetRow>> Find(const std::string& symbol);
  // Inserts the row or replaces the one with the same symbol.
  Status Put(const DatasetRow& row);
  // Every imported data set, by symbol.
  Result<std::vector<DatasetRow>> List();

 private:
  Database* db_;
};

}  // namespace trainyard::store::studio
