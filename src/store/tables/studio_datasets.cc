#include "store/tables/studio_datasets.h"

#include "store/database.h"

namespace trainyard::store::studio {

namespace {

constexpr const char* kColumns =
    "symbol, owner_id, path, rows, first_date, last_date, has_volume, "
    "imported_at";

DatasetRow ReadRow(const Statement& s) {
  return DatasetRow{s.ColumnText(0),     s.ColumnText(1), s.ColumnText(2),
                    s.ColumnInt(3),      s.ColumnText(4), s.ColumnText(5),
                    s.ColumnInt(6) != 0, s.ColumnInt(7)};
}

}  // namespace

Result<std::optional<DatasetRow>> DatasetRepository::Find(
    const std::string& symbol) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kColumns +
                                   " FROM studio_datasets WHERE symbol = ?"));
  s.Bind(1, symbol);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<DatasetRow>();
  return std::optional<DatasetRow>(ReadRow(s));
}

Status DatasetRepository::Put(const DatasetRow& r) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("INSERT INTO studio_datasets(") + kColumns +
                   ") VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(symbol) DO UPDATE "
                   "SET owner_id = excluded.owner_id, path = excluded.path, "
                   "rows = excluded.rows, first_date = excluded.first_date, "
                   "last_date = excluded.last_date, has_volume = "
                   "excluded.has_volume, imported_at = excluded.imported_at"));
  s.Bind(1, r.symbol).Bind(2, r.owner_id).Bind(3, r.path).Bind(4, r.rows);
  s.Bind(5, r.first_date).Bind(6, r.last_date);
  s.Bind(7, int64_t{r.has_volume ? 1 : 0}).Bind(8, r.imported_at);
  return s.Run();
}

Result<std::vector<DatasetRow>> DatasetRepository::List() {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kColumns +
                                   " FROM studio_datasets ORDER BY symbol"));
  return ReadRows<DatasetRow>(s, ReadRow);
}

}  // namespace trainyard::store::studio
