// Subscription money flows: starting a monthly subscription (charge the
// subscriber, pay the seller minus the platform commission, count the sale,
// notify the seller) and renewing an expired auto-renewing one when its
// subscriber next uses the model.
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

// If the subscriber's latest subscription to `model_id` has auto_renew, has
// ended and its listing is still approved, starts the next month (charged
// as above). Returns whether a renewal happened; false also when the
// subscriber cannot pay (the caller then has no access).
Result<bool> RenewDueSubscription(StudioContext& ctx,
                                  const std::string& subscriber_id,
                                  const std::string& model_id,
                                  ml::DayNumber today);

}  // namespace trainyard::studio
