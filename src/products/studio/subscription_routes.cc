// The subscriber's side of marketplace subscriptions: list and read one's
// own subscriptions, switch auto-renewal off or back on, and cancel (no
// further renewals, access until expires_at). Another user's subscription
// is 404, so ids cannot be probed.
#include <nlohmann/json.hpp>

#include "api/json_validator.h"
#include "api/pagination.h"
#include "ml/calendar.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_json.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

constexpr int64_t kDayMs = 86'400'000;

json SubscriptionJson(const Subscription& s, int64_t today) {
  const char* status = s.end_day <= today ? "EXPIRED"
                       : s.cancelled_at   ? "CANCELLED"
                                          : "ACTIVE";
  auto optional = [](const std::optional<std::string>& v) {
    return v ? json(*v) : json(nullptr);
  };
  return {{"subscription_id", s.id},
          {"listing_id", s.listing_id},
          {"model_id", s.model_id},
          {"subscription_type", s.subscription_type},
          {"status", status},
          {"auto_renew", s.auto_renew},
          {"started_at", IsoTime(s.start_day * kDayMs)},
          {"expires_at", IsoTime(s.end_day * kDayMs)},
          {"start_date", ml::FormatDate(s.start_day)},
          {"end_date", ml::FormatDate(s.end_day)},
          {"next_billing_date", s.renewal_status == kRenewalPending
                                    ? json(ml::FormatDate(s.end_day))
                                    : json(nullptr)},
          {"price_paid", FormatCents(s.amount_cents)},
          {"total_amount", FormatCents(s.amount_cents)},
          {"renewal_status",
           s.renewal_status.empty() ? json(nullptr) : json(s.renewal_status)},
          {"renewed_by", optional(s.renewed_by)},
          {"renewal_of", optional(s.renewal_of)},
          {"cancelled_at",
           s.cancelled_at ? json(IsoTime(*s.cancelled_at)) : json(nullptr)}};
}

// The subscription named by path parameter subscription_id if the caller
// is its subscriber; NOT_FOUND otherwise.
Result<Subscription> OwnSubscription(StudioContext& ctx,
                                     const api::Request& req) {
  const std::string& id = req.PathParam("subscription_id");
  Result<Subscription> s = ctx.marketplace->GetSubscription(id);
  if (!s.ok() && s.status().code() != ErrorCode::kNotFound) return s.status();
  if (!s.ok() || s->subscriber_id != req.caller().user_id) {
    return NotFoundError("subscription '" + id + "' not found");
  }
  return s;
}

// OK if the subscriber may still change `s` today; CONFLICT saying why not.
Status CheckChangeable(const Subscription& s, int64_t today) {
  const std::string name = "subscription '" + s.id + "'";
  if (s.end_day <= today) {
    std::string message = name + " expired on " + ml::FormatDate(s.end_day);
    if (s.renewed_by) {
      message += "; it was renewed by subscription '" + *s.renewed_by +
                 "', change that one";
    } else {
      message += "; subscribe again to continue";
    }
    return ConflictError(message);
  }
  if (s.cancelled_at) {
    return ConflictError(name + " was cancelled; access ends on " +
                         ml::FormatDate(s.end_day) +
                         " and it can no longer be changed");
  }
  if (s.renewal_status == kRenewalInProgress) {
    return ConflictError(name + " is being renewed right now; try again");
  }
  return Status::Ok();
}

// The subscription as stored now, as JSON.
Result<api::Response> Reloaded(StudioContext& ctx, const std::string& id) {
  TY_ASSIGN_OR_RETURN(Subscription s, ctx.marketplace->GetSubscription(id));
  return Json(200, SubscriptionJson(s, TodayDay(ctx)));
}

Result<api::Response> List(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  TY_RETURN_IF_ERROR(q.Finish());
  TY_ASSIGN_OR_RETURN(std::vector<Subscription> subs,
                      ctx.marketplace->ListSubscriptions(
                          std::nullopt, req.caller().user_id, std::nullopt));
  const int64_t today = TodayDay(ctx);
  std::vector<json> results;
  for (const auto& s : subs) results.push_back(SubscriptionJson(s, today));
  return Json(200, PageOf(req, page, results));
}

Result<api::Response> Detail(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(Subscription s, OwnSubscription(ctx, req));
  return Json(200, SubscriptionJson(s, TodayDay(ctx)));
}

const std::shared_ptr<const api::BodySchema>& UpdateBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{api::Required(
          api::BoolField("auto_renew", "renew at the end of the period"))}));
  return *schema;
}

Result<api::Response> Update(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(Subscription s, OwnSubscription(ctx, req));
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*UpdateBody(), body);
  auto auto_renew = v.Bool("auto_renew");
  TY_RETURN_IF_ERROR(v.Finish());
  const int64_t today = TodayDay(ctx);
  TY_RETURN_IF_ERROR(CheckChangeable(s, today));
  TY_RETURN_IF_ERROR(ctx.marketplace->SetAutoRenew(s.id, *auto_renew, today));
  return Reloaded(ctx, s.id);
}

// Cancelling takes no members (an empty body or {}).
const std::shared_ptr<const api::BodySchema>& CancelBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{}));
  return *schema;
}

Result<api::Response> Cancel(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(Subscription s, OwnSubscription(ctx, req));
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  TY_RETURN_IF_ERROR(api::SchemaReader(*CancelBody(), body).Finish());
  const int64_t today = TodayDay(ctx);
  TY_RETURN_IF_ERROR(CheckChangeable(s, today));
  TY_RETURN_IF_ERROR(ctx.marketplace->Cancel(s.id, ctx.NowMillis(), today));
  return Reloaded(ctx, s.id);
}

}  // namespace

Status AddSubscriptionRoutes(const std::shared_ptr<StudioContext>& ctx,
                             api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/subscriptions",
                                    Access::kUser, ctx, List));
  // The earlier path of the same list.
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/marketplace/subscriptions",
                                    Access::kUser, ctx, List));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET",
                                    "/subscriptions/{subscription_id}",
                                    Access::kUser, ctx, Detail));
  TY_RETURN_IF_ERROR(
      AddStudioRoute(router, "PATCH", "/subscriptions/{subscription_id}",
                     Access::kUser, ctx, Update, 0, UpdateBody()));
  return AddStudioRoute(router, "POST",
                        "/subscriptions/{subscription_id}/cancel",
                        Access::kUser, ctx, Cancel, 0, CancelBody());
}

}  // namespace trainyard::studio
