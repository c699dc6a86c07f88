#include "products/studio/subscriptions.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/ids.h"

namespace trainyard::studio {

ml::DayNumber AddOneMonth(ml::DayNumber day) {
  const std::string d = ml::FormatDate(day);
  int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(5, 2));
  const int dd = std::stoi(d.substr(8, 2));
  if (++m == 13) m = 1, ++y;
  for (int day_of_month = dd; day_of_month >= 28; --day_of_month) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, day_of_month);
    auto parsed = ml::ParseDate(buf);
    if (parsed.ok()) return *parsed;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, dd);
  return *ml::ParseDate(buf);
}

Result<Subscription> StartSubscription(StudioContext& ctx,
                                       const Listing& listing,
                                       const std::string& subscriber_id,
                                       const std::string& type, bool auto_renew,
                                       ml::DayNumber today) {
  Subscription s;
  s.id = NewUuidV4();
  s.listing_id = listing.id;
  s.model_id = listing.model_id;
  s.subscriber_id = subscriber_id;
  s.seller_id = listing.seller_id;
  s.subscription_type = type;
  s.auto_renew = auto_renew;
  s.start_day = today;
  s.end_day = AddOneMonth(today);
  s.amount_cents = listing.monthly_price_cents;
  s.commission_cents = static_cast<int64_t>(
      std::llround(s.amount_cents * ctx.settings.commission_rate));
  s.created_at = ctx.NowMillis();
  TY_RETURN_IF_ERROR(ctx.ledger
                         ->Apply(subscriber_id, -s.amount_cents,
                                 kSubscriptionPayment, s.id, s.created_at)
                         .status());
  Status created = ctx.marketplace->CreateSubscription(s);
  if (!created.ok()) {
    (void)ctx.ledger->Apply(subscriber_id, s.amount_cents, kSubscriptionPayment,
                            s.id, s.created_at);
    return created;
  }
  const int64_t seller_share = s.amount_cents - s.commission_cents;
  TY_RETURN_IF_ERROR(ctx.ledger
                         ->Apply(s.seller_id, seller_share, kSubscriptionIncome,
                                 s.id, s.created_at)
                         .status());
  TY_RETURN_IF_ERROR(
      ctx.models->AddSale(s.model_id, seller_share, s.created_at));
  ctx.Emit(s.seller_id, "model.subscribed",
           {{"listing_id", s.listing_id},
            {"subscriber_id", s.subscriber_id},
            {"subscription_id", s.id},
            {"amount", FormatCents(s.amount_cents)}});
  return s;
}

Result<bool> RenewDueSubscription(StudioContext& ctx,
                                  const std::string& subscriber_id,
                                  const std::string& model_id,
                                  ml::DayNumber today) {
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> subs,
                      ctx.marketplace->ListSubscriptions(
                          std::nullopt, subscriber_id, std::nullopt));
  const Subscription* latest = nullptr;
  for (const auto& s : subs) {
    if (s.model_id != model_id) continue;
    if (latest == nullptr || s.end_day > latest->end_day) latest = &s;
  }
  if (latest == nullptr || !latest->auto_renew || latest->end_day > today) {
    return false;
  }
  TY_ASSIGN_OR_RETURN(Listing listing,
                      ctx.marketplace->GetListing(latest->listing_id));
  if (listing.status != kApproved) return false;
  Result<Subscription> renewed =
      StartSubscription(ctx, listing, subscriber_id, latest->subscription_type,
                        /*auto_renew=*/true, today);
  if (renewed.status().code() == ErrorCode::kInsufficientCredits) return false;
  TY_RETURN_IF_ERROR(renewed.status());
  return true;
}

}  // namespace trainyard::studio
