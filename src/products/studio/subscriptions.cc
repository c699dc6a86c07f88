#include "products/studio/subscriptions.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include <spdlog/spdlog.h>

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

namespace {

// Charges, records and announces one month from `start`; `renewal_of` is
// the subscription it continues, if any.
Result<Subscription> ChargeMonth(StudioContext& ctx, const Listing& listing,
                                 const std::string& subscriber_id,
                                 const std::string& type, bool auto_renew,
                                 ml::DayNumber start,
                                 const std::string& renewal_of) {
  Subscription s;
  s.id = NewUuidV4();
  s.listing_id = listing.id;
  s.model_id = listing.model_id;
  s.subscriber_id = subscriber_id;
  s.seller_id = listing.seller_id;
  s.subscription_type = type;
  s.auto_renew = auto_renew;
  s.start_day = start;
  s.end_day = AddOneMonth(start);
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
  nlohmann::json event = {{"listing_id", s.listing_id},
                          {"subscriber_id", s.subscriber_id},
                          {"subscription_id", s.id},
                          {"amount", FormatCents(s.amount_cents)}};
  if (!renewal_of.empty()) event["renewal_of"] = renewal_of;
  ctx.Emit(s.seller_id, "model.subscribed", event);
  return s;
}

}  // namespace

Result<Subscription> StartSubscription(StudioContext& ctx,
                                       const Listing& listing,
                                       const std::string& subscriber_id,
                                       const std::string& type, bool auto_renew,
                                       ml::DayNumber today) {
  TY_ASSIGN_OR_RETURN(
      Subscription s,
      ChargeMonth(ctx, listing, subscriber_id, type, auto_renew, today, ""));
  // An ended auto-renewing subscription the sweep has not reached yet is
  // continued by this one; it must not be renewed (charged) again later.
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> due,
                      ctx.marketplace->DueRenewals(today));
  for (const Subscription& old : due) {
    if (old.subscriber_id != subscriber_id || old.model_id != s.model_id) {
      continue;
    }
    TY_ASSIGN_OR_RETURN(bool claimed, ctx.marketplace->ClaimRenewal(old.id));
    if (claimed) {
      TY_RETURN_IF_ERROR(ctx.marketplace->FinishRenewal(old.id, kRenewed, s.id));
    }
  }
  return s;
}

Result<RenewalOutcome> RenewSubscription(StudioContext& ctx,
                                         const Subscription& due,
                                         ml::DayNumber today) {
  if (due.end_day > today) return RenewalOutcome::kNotDue;
  TY_ASSIGN_OR_RETURN(bool claimed, ctx.marketplace->ClaimRenewal(due.id));
  if (!claimed) return RenewalOutcome::kNotDue;
  auto expire = [&](const char* status, const std::string& message,
                    RenewalOutcome outcome) -> Result<RenewalOutcome> {
    TY_RETURN_IF_ERROR(
        ctx.marketplace->FinishRenewal(due.id, status, std::nullopt));
    ctx.Emit(due.subscriber_id, "subscription.renewal_failed",
             {{"subscription_id", due.id},
              {"listing_id", due.listing_id},
              {"model_id", due.model_id},
              {"status", "EXPIRED"},
              {"reason", status},
              {"message", message},
              {"ended_on", ml::FormatDate(due.end_day)}});
    return outcome;
  };
  Result<Listing> listing = ctx.marketplace->GetListing(due.listing_id);
  if (!listing.ok() || listing->status != kApproved) {
    return expire(kRenewalListingUnavailable,
                  "the listing is no longer on the marketplace",
                  RenewalOutcome::kListingUnavailable);
  }
  // On time: the next period follows without a gap. Late by more than a
  // month (no sweep ran): start today rather than charge for missed months.
  const ml::DayNumber start =
      AddOneMonth(due.end_day) > today ? due.end_day : today;
  Result<Subscription> next =
      ChargeMonth(ctx, *listing, due.subscriber_id, due.subscription_type,
                  /*auto_renew=*/true, start, due.id);
  if (next.status().code() == ErrorCode::kInsufficientCredits) {
    return expire(kRenewalInsufficientCredits,
                  "not enough credits for " +
                      FormatCents(listing->monthly_price_cents) +
                      "; subscribe again after adding credits",
                  RenewalOutcome::kInsufficientCredits);
  }
  if (!next.ok()) {
    (void)ctx.marketplace->FinishRenewal(due.id, kRenewalPending,
                                         std::nullopt);
    return next.status();
  }
  TY_RETURN_IF_ERROR(ctx.marketplace->FinishRenewal(due.id, kRenewed, next->id));
  return RenewalOutcome::kRenewed;
}

Result<RenewalSweepResult> RenewDueSubscriptions(StudioContext& ctx,
                                                 ml::DayNumber today) {
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> due,
                      ctx.marketplace->DueRenewals(today));
  RenewalSweepResult out;
  for (const Subscription& s : due) {
    Result<RenewalOutcome> r = RenewSubscription(ctx, s, today);
    if (!r.ok()) {
      spdlog::warn("studio: renewing subscription {} failed: {}", s.id,
                   r.status().ToString());
      continue;
    }
    if (*r == RenewalOutcome::kRenewed) ++out.renewed;
    if (*r == RenewalOutcome::kInsufficientCredits ||
        *r == RenewalOutcome::kListingUnavailable) {
      ++out.expired;
    }
  }
  return out;
}

Result<bool> RenewDueSubscription(StudioContext& ctx,
                                  const std::string& subscriber_id,
                                  const std::string& model_id,
                                  ml::DayNumber today) {
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> subs,
                      ctx.marketplace->ListSubscriptions(
                          std::nullopt, subscriber_id, std::nullopt));
  for (const auto& s : subs) {
    if (s.model_id != model_id || s.renewal_status != kRenewalPending) continue;
    TY_ASSIGN_OR_RETURN(RenewalOutcome r, RenewSubscription(ctx, s, today));
    if (r == RenewalOutcome::kRenewed) return true;
  }
  return false;
}

}  // namespace trainyard::studio
