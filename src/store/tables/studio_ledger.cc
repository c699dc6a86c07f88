#include "store/tables/studio_ledger.h"

#include "store/database.h"

namespace trainyard::store::studio {

Status LedgerRepository::AppendLocked(const LedgerEntry& e) {
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("INSERT INTO studio_ledger(user_id, amount_cents, "
                   "balance_after, kind, reference, created_at) "
                   "VALUES(?,?,?,?,?,?)"));
  s.Bind(1, e.user_id).Bind(2, e.amount_cents).Bind(3, e.balance_after);
  s.Bind(4, e.kind).Bind(5, e.reference).Bind(6, e.created_at);
  return s.Run();
}

Result<std::vector<LedgerEntry>> LedgerRepository::Entries(
    const std::string& user_id, std::optional<std::string> kind, int64_t from,
    int64_t to) {
  auto lock = db_->Lock();
  WhereClause where;
  where.Add("user_id = ?", user_id);
  where.Add("created_at >= ?", from);
  where.Add("created_at < ?", to);
  if (kind) where.Add("kind = ?", *kind);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT id, user_id, amount_cents, balance_after, kind, "
                   "reference, created_at FROM studio_ledger" +
                   where.sql() + " ORDER BY id DESC"));
  where.BindTo(s);
  return ReadRows<LedgerEntry>(s, [](const Statement& r) {
    return LedgerEntry{r.ColumnInt(0),    r.ColumnText(1), r.ColumnInt(2),
                       r.ColumnDouble(3), r.ColumnText(4), r.ColumnText(5),
                       r.ColumnInt(6)};
  });
}

Result<int64_t> LedgerRepository::Sum(const std::string& user_id,
                                      const std::string& kind, int64_t from,
                                      int64_t to) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT COALESCE(SUM(amount_cents), 0) FROM studio_ledger "
                   "WHERE user_id = ? AND kind = ? AND created_at >= ? AND "
                   "created_at < ?"));
  s.Bind(1, user_id).Bind(2, kind).Bind(3, from).Bind(4, to);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

}  // namespace trainyard::store::studio
