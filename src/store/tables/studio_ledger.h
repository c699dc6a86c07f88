// AI Studio's compute-credit ledger (table studio_ledger): one row per change
// of a user's credit balance, with the balance after it. The balance itself
// is the user's (store/user_store.h); the studio's CreditLedger writes both
// in one transaction (products/studio/credit_ledger.h).
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

struct LedgerEntry {
  int64_t id = 0;  // assigned on append, increasing
  std::string user_id;
  int64_t amount_cents = 0;  // signed: negative debits
  double balance_after = 0;  // credits (dollars)
  std::string kind;
  std::string reference;  // job, subscription or transaction id
  int64_t created_at = 0;
};

// Thread-safe. `db` is not owned and outlives the repository.
class LedgerRepository {
 public:
  explicit LedgerRepository(Database* db) : db_(db) {}

  // Appends `entry` (its id is assigned). REQUIRES: called inside a
  // UserStore::AdjustCredits journal, which holds the database lock and
  // transaction, so the row commits or rolls back with the balance change.
  Status AppendLocked(const LedgerEntry& entry);
  // The user's entries with created_at in [from, to), newest first; only
  // entries of `kind` when set.
  Result<std::vector<LedgerEntry>> Entries(const std::string& user_id,
                                           std::optional<std::string> kind,
                                           int64_t from, int64_t to);
  // Sum of the user's amounts of `kind` with created_at in [from, to).
  Result<int64_t> Sum(const std::string& user_id, const std::string& kind,
                      int64_t from, int64_t to);

 private:
  Database* db_;
};

}  // namespace trainyard::store::studio
