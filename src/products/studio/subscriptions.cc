#include "products/studio/subscriptions.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "products/studio/studio_errors.h"

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

// Step 1 of a sale (see subscriptions.h): one month from `start` charged to
// `subscriber_id` and stored with settlement CHARGED, in one transaction.
// `renewal_of` is the subscription it continues, if any.
Result<Subscription> Charge(StudioContext& ctx, const Listing& listing,
                            const std::string& subscriber_id,
                            const std::string& type, bool auto_renew,
                            ml::DayNumber start,
                            std::optional<std::string> renewal_of) {
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
  s.renewal_of = std::move(renewal_of);
  s.settlement = kSettlementCharged;
  TY_RETURN_IF_ERROR(
      ctx.ledger
          ->Apply(subscriber_id, -s.amount_cents, kSubscriptionPayment, s.id,
                  s.created_at,
                  [&] { return ctx.marketplace->CreateSubscriptionLocked(s); })
          .status());
  return s;
}

// Steps 2 and 3 of a charged sale, from wherever `sale` stopped. Ledger
// rows and the sale count are dated at the sale, so a resumed sale counts
// in the period it was made.
Status Settle(StudioContext& ctx, Subscription sale) {
  if (sale.settlement == kSettlementCharged) {
    const int64_t seller_share = sale.amount_cents - sale.commission_cents;
    TY_RETURN_IF_ERROR(
        ctx.ledger
            ->Apply(sale.seller_id, seller_share, kSubscriptionIncome, sale.id,
                    sale.created_at,
                    [&]() -> Status {
                      TY_RETURN_IF_ERROR(ctx.marketplace->MarkPaidLocked(sale));
                      return ctx.models->AddSaleLocked(
                          sale.model_id, seller_share, sale.created_at);
                    })
            .status());
    sale.settlement = kSettlementPaid;
    TY_RETURN_IF_ERROR(ctx.Fault("sale.paid"));
  }
  if (sale.settlement != kSettlementPaid) return Status::Ok();
  nlohmann::json event = {{"listing_id", sale.listing_id},
                          {"subscriber_id", sale.subscriber_id},
                          {"subscription_id", sale.id},
                          {"amount", FormatCents(sale.amount_cents)}};
  if (sale.renewal_of) event["renewal_of"] = *sale.renewal_of;
  ctx.Emit(sale.seller_id, "model.subscribed", event);
  return ctx.marketplace->MarkSettled(sale.id).status();
}

// RenewSubscription with ctx.sales_mu held.
Result<RenewalOutcome> RenewLocked(StudioContext& ctx, const Subscription& due,
                                   ml::DayNumber today) {
  if (due.end_day > today) return RenewalOutcome::kNotDue;
  TY_ASSIGN_OR_RETURN(bool claimed, ctx.marketplace->ClaimRenewal(due.id));
  if (!claimed) return RenewalOutcome::kNotDue;
  TY_RETURN_IF_ERROR(ctx.Fault("renewal.claimed"));
  TY_ASSIGN_OR_RETURN(std::optional<Subscription> current,
                      ctx.marketplace->ActiveSubscription(due.subscriber_id,
                                                          due.model_id, today));
  if (current) {
    TY_RETURN_IF_ERROR(
        ctx.marketplace->FinishRenewal(due.id, kRenewed, current->id));
    return RenewalOutcome::kNotDue;
  }
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
      Charge(ctx, *listing, due.subscriber_id, due.subscription_type,
             /*auto_renew=*/true, start, due.id);
  if (IsInsufficientCredits(next.status())) {
    return expire(kRenewalInsufficientCredits,
                  "not enough credits for " +
                      FormatCents(listing->monthly_price_cents) +
                      "; subscribe again after adding credits",
                  RenewalOutcome::kInsufficientCredits);
  }
  TY_RETURN_IF_ERROR(next.status());
  TY_RETURN_IF_ERROR(ctx.Fault("sale.charged"));
  TY_RETURN_IF_ERROR(Settle(ctx, *next));
  return RenewalOutcome::kRenewed;
}

// Finishes interrupted sales and releases claimed renewals that never
// charged (subscriptions.h). REQUIRES: ctx.sales_mu held.
Status RecoverInterrupted(StudioContext& ctx, RenewalSweepResult& out) {
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> unsettled,
                      ctx.marketplace->UnsettledSales());
  for (const Subscription& sale : unsettled) {
    Status st = Settle(ctx, sale);
    if (!st.ok()) {
      spdlog::warn("studio: finishing the sale of subscription {} failed: {}",
                   sale.id, st.ToString());
      continue;
    }
    ++out.resumed;
  }
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> stalled,
                      ctx.marketplace->StalledRenewals());
  for (const Subscription& s : stalled) {
    TY_ASSIGN_OR_RETURN(bool released, ctx.marketplace->ReleaseRenewal(s.id));
    out.released += released;
  }
  if (out.resumed + out.released > 0) {
    spdlog::info(
        "studio: recovered interrupted subscription sales: {} finished, {} "
        "renewals released to be redone",
        out.resumed, out.released);
  }
  return Status::Ok();
}

}  // namespace

Result<Subscription> StartSubscription(StudioContext& ctx,
                                       const Listing& listing,
                                       const std::string& subscriber_id,
                                       const std::string& type, bool auto_renew,
                                       ml::DayNumber today) {
  std::lock_guard<std::mutex> lock(ctx.sales_mu);
  TY_ASSIGN_OR_RETURN(Subscription s, Charge(ctx, listing, subscriber_id, type,
                                             auto_renew, today, std::nullopt));
  TY_RETURN_IF_ERROR(ctx.Fault("sale.charged"));
  TY_RETURN_IF_ERROR(Settle(ctx, s));
  s.settlement = kSettled;
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
      TY_RETURN_IF_ERROR(
          ctx.marketplace->FinishRenewal(old.id, kRenewed, s.id));
    }
  }
  return s;
}

Result<RenewalOutcome> RenewSubscription(StudioContext& ctx,
                                         const Subscription& due,
                                         ml::DayNumber today) {
  std::lock_guard<std::mutex> lock(ctx.sales_mu);
  return RenewLocked(ctx, due, today);
}

Result<RenewalSweepResult> RenewDueSubscriptions(StudioContext& ctx,
                                                 ml::DayNumber today) {
  std::lock_guard<std::mutex> lock(ctx.sales_mu);
  RenewalSweepResult out;
  TY_RETURN_IF_ERROR(RecoverInterrupted(ctx, out));
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> due,
                      ctx.marketplace->DueRenewals(today));
  for (const Subscription& s : due) {
    Result<RenewalOutcome> r = RenewLocked(ctx, s, today);
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
  std::lock_guard<std::mutex> lock(ctx.sales_mu);
  for (const auto& s : subs) {
    if (s.model_id != model_id || s.renewal_status != kRenewalPending) continue;
    TY_ASSIGN_OR_RETURN(RenewalOutcome r, RenewLocked(ctx, s, today));
    if (r == RenewalOutcome::kRenewed) return true;
  }
  return false;
}

}  // namespace trainyard::studio
