#include "products/studio/credit_ledger.h"

#include <cstdlib>

namespace trainyard::studio {

using store::Statement;

std::string FormatCents(int64_t cents) {
  const int64_t a = std::llabs(cents);
  std::string frac = std::to_string(a % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return (cents < 0 ? "-" : "") + std::to_string(a / 100) + "." + frac;
}

Result<double> CreditLedger::Apply(const std::string& user_id, int64_t cents,
                                   const std::string& kind,
                                   const std::string& reference, int64_t now,
                                   const Also& also) {
  // The ledger row is written in the balance change's own transaction (the
  // user store holds the database lock while `journal` runs).
  auto journal = [&](double balance) -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("INSERT INTO studio_ledger(user_id, amount_cents, "
                     "balance_after, kind, reference, created_at) "
                     "VALUES(?,?,?,?,?,?)"));
    s.Bind(1, user_id).Bind(2, cents).Bind(3, balance).Bind(4, kind);
    s.Bind(5, reference).Bind(6, now);
    TY_RETURN_IF_ERROR(s.Run());
    return also ? also() : Status::Ok();
  };
  Result<double> balance = users_->AdjustCredits(
      user_id, static_cast<double>(cents) / 100.0, journal);
  if (balance.ok()) return *balance;
  if (balance.status().code() != ErrorCode::kInsufficientCredits) {
    return balance.status();
  }
  return Status(ErrorCode::kInsufficientCredits,
                "not enough compute credits: " + FormatCents(-cents) +
                    " needed; buy more with POST "
                    "/api/ai-studio/compute/purchase-credits/");
}

Result<std::vector<LedgerEntry>> CreditLedger::Entries(
    const std::string& user_id, std::optional<std::string> kind, int64_t from,
    int64_t to) {
  auto lock = db_->Lock();
  store::WhereClause where;
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
  return store::ReadRows<LedgerEntry>(s, [](const Statement& r) {
    return LedgerEntry{r.ColumnInt(0),    r.ColumnText(1), r.ColumnInt(2),
                       r.ColumnDouble(3), r.ColumnText(4), r.ColumnText(5),
                       r.ColumnInt(6)};
  });
}

Result<int64_t> CreditLedger::Sum(const std::string& user_id,
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

}  // namespace trainyard::studio
