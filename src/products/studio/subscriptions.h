// Subscription money flows: starting a monthly subscription (charge the
// subscriber, pay the seller minus the platform commission, count the sale,
// notify the seller) and renewing auto-renewing ones when they end (by the
// periodic sweep of renewal_scheduler.h, or when the subscriber next uses the
// model before the sweep ran).
//
// Crash safety. A sale is three steps, each one database transaction that
// takes effect at most once:
//   1. charge: the subscriber's debit, its ledger row and the new
//      subscription row (settlement CHARGED; for a renewal, renewal_of = the
//      renewed subscription, unique: the renewal's idempotency key, so one
//      period is never charged twice);
//   2. pay: the seller's credit, its ledger row, the sale count on the model
//      and, for a renewal, the renewed subscription marked RENEWED
//      (settlement CHARGED -> PAID; a second attempt finds PAID and rolls
//      back);
//   3. announce: model.subscribed queued, then settlement SETTLED (a crash
//      between the two queues the event again: at least once).
// A renewal first claims the subscription (PENDING -> RENEWING). Every sweep
// (the first runs at start-up) first finishes interrupted sales (CHARGED or
// PAID rows: pay and announce) and releases claimed renewals that never
// charged (RENEWING without a row renewing it: back to PENDING, renewed
// again by the same sweep). So a renewal interrupted anywhere is completed,
// or rolled back and redone, exactly once.
#pragma once

#include <string>

#include "core/status.h"
#include "ml/calendar.h"
#include "products/studio/studio_context.h"

namespace trainyard::studio {

// The same calendar day one month later (clamped to that month's last day).
ml::DayNumber AddOneMonth(ml::DayNumber day);

// Starts a subscription to `listing` for `subscriber_id` from `today`.
// INSUFFICIENT_CREDITS (nothing changes) if the subscriber cannot pay.
Result<Subscription> StartSubscription(StudioContext& ctx,
                                       const Listing& listing,
                                       const std::string& subscriber_id,
                                       const std::string& type, bool auto_renew,
                                       ml::DayNumber today);

// What happened to one due auto-renewing subscription.
enum class RenewalOutcome {
  kRenewed,              // next month charged and started (renewed_by set)
  kInsufficientCredits,  // expired: the subscriber could not pay
  kListingUnavailable,   // expired: the listing is no longer approved
  kNotDue,               // not pending, not ended, or renewed by another
};

// Renews `due` (an auto-renewing subscription whose end_day <= today, still
// PENDING): charges the subscriber the listing's current monthly price, pays
// the seller minus the commission, counts the sale and emits
// model.subscribed (with "renewal_of") as StartSubscription does. The next
// period starts at due.end_day, so an on-time renewal leaves no gap; a
// renewal more than a month late starts today (missed months are not
// charged). When it cannot be paid or the listing is gone, the subscription
// is marked expired with that reason and the subscriber gets a
// subscription.renewal_failed event. If the subscriber already has a
// subscription to the model active today (subscribed again by hand), that
// one continues it: RENEWED by it, nothing charged (kNotDue). Each
// subscription renews at most once (claimed in the database), so the sweep
// and on-use renewals may race. An error leaves the renewal as a crash
// would, for the next sweep to finish or release.
Result<RenewalOutcome> RenewSubscription(StudioContext& ctx,
                                         const Subscription& due,
                                         ml::DayNumber today);

struct RenewalSweepResult {
  int renewed = 0;
  int expired = 0;   // insufficient credits or listing unavailable
  int resumed = 0;   // interrupted sales finished (seller paid, announced)
  int released = 0;  // interrupted renewals that had not charged, redone
};

// Finishes interrupted sales and releases interrupted renewals (see the top
// of this file), then renews every subscription due by `today`
// (RenewSubscription each). An error on one subscription is logged and the
// sweep goes on; the result counts what happened.
Result<RenewalSweepResult> RenewDueSubscriptions(StudioContext& ctx,
                                                 ml::DayNumber today);

// On-use renewal between sweeps: renews the subscriber's due subscription to
// `model_id`, if any. Returns whether access continues through a renewal.
Result<bool> RenewDueSubscription(StudioContext& ctx,
                                  const std::string& subscriber_id,
                                  const std::string& model_id,
                                  ml::DayNumber today);

}  // namespace trainyard::studio
