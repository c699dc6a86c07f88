// The per-user compute-credit ledger: every change of a user's credit
// balance made by AI Studio (training holds and refunds, purchases,
// subscription payments and income) is applied to the user's balance and
// recorded with the balance after it. Balances never go negative.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/tables/studio_ledger.h"
#include "store/user_store.h"

namespace trainyard::studio {

// Ledger entry kinds.
inline constexpr const char* kTrainingHold = "training_hold";
inline constexpr const char* kTrainingRefund = "training_refund";
inline constexpr const char* kCreditPurchase = "credit_purchase";
inline constexpr const char* kSubscriptionPayment = "subscription_payment";
inline constexpr const char* kSubscriptionIncome = "subscription_income";

using store::studio::LedgerEntry;

// Thread-safe. Pointers are not owned.
class CreditLedger {
 public:
  CreditLedger(store::studio::LedgerRepository* ledger, store::UserStore* users)
      : ledger_(ledger), users_(users) {}
  // Work done in the same transaction as a balance change and its ledger
  // row; an error rolls all of it back. REQUIRES: it uses the database
  // without taking its lock (the ledger holds it).
  using Also = std::function<Status()>;
  // Adds `cents` (negative debits) to the user's credits and records it,
  // with `also` (if set) in the same transaction. Returns the new balance,
  // INSUFFICIENT_CREDITS (nothing changes) if the balance would become
  // negative, or `also`'s error (nothing changes).
  Result<double> Apply(const std::string& user_id, int64_t cents,
                       const std::string& kind, const std::string& reference,
                       int64_t now, const Also& also = {});
  // The user's entries, newest first; only `kind` and [from, to) when set.
  Result<std::vector<LedgerEntry>> Entries(const std::string& user_id,
                                           std::optional<std::string> kind,
                                           int64_t from, int64_t to);
  // Sum of the user's entries of `kind` in [from, to).
  Result<int64_t> Sum(const std::string& user_id, const std::string& kind,
                      int64_t from, int64_t to);

 private:
  store::studio::LedgerRepository* ledger_;
  store::UserStore* users_;
};

// "12.34" for 1234 cents; "-0.05" for -5.
std::string FormatCents(int64_t cents);

}  // namespace trainyard::studio
