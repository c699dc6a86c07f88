#include "products/studio/credit_ledger.h"

#include <cstdlib>

#include "products/studio/studio_errors.h"

namespace trainyard::studio {

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
    TY_RETURN_IF_ERROR(ledger_->AppendLocked(
        {0, user_id, cents, balance, kind, reference, now}));
    return also ? also() : Status::Ok();
  };
  Result<double> balance = users_->AdjustCredits(
      user_id, static_cast<double>(cents) / 100.0, journal);
  if (balance.ok()) return *balance;
  // The store refuses a negative balance as a generic PAYMENT_REQUIRED.
  if (balance.status().code() != ErrorCode::kPaymentRequired) {
    return balance.status();
  }
  return InsufficientCreditsError(
      "not enough compute credits: " + FormatCents(-cents) +
      " needed; buy more with POST "
      "/api/ai-studio/compute/purchase-credits/");
}

Result<std::vector<LedgerEntry>> CreditLedger::Entries(
    const std::string& user_id, std::optional<std::string> kind, int64_t from,
    int64_t to) {
  return ledger_->Entries(user_id, std::move(kind), from, to);
}

Result<int64_t> CreditLedger::Sum(const std::string& user_id,
                                  const std::string& kind, int64_t from,
                                  int64_t to) {
  return ledger_->Sum(user_id, kind, from, to);
}

}  // namespace trainyard::studio
