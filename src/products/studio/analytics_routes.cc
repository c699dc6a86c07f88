// analytics/dashboard/, analytics/leasing/, compute/usage/ and
// compute/purchase-credits/: figures computed from the stored rows (models,
// training runs, ledger, subscriptions) at request time.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "api/json_validator.h"
#include "core/crypto.h"
#include "ml/calendar.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_json.h"
#include "products/studio/training_service.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int kChartPoints = 52;

const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string DateOf(int64_t ms) { return ml::FormatDate(ms / kMsPerDay); }

double Hours(double seconds) { return Round4(seconds / 3600.0); }

// A credit balance (dollars, as the user store keeps it) as money is shown
// everywhere: a decimal string with two decimals.
std::string Usd(double credits) {
  return FormatCents(std::llround(credits * 100.0));
}

struct Activity {
  int64_t at = 0;
  std::string type, message;
};

Result<std::vector<Activity>> RecentActivity(
    StudioContext& ctx, const std::string& user_id,
    const std::vector<StudioModel>& models) {
  std::vector<Activity> out;
  std::map<std::string, std::string> names;
  for (const auto& m : models) {
    names[m.id] = m.name;
    out.push_back({m.created_at, "MODEL_CREATED", m.name + " created"});
  }
  TrainingJobQuery q;
  q.owner_id = user_id;
  TY_ASSIGN_OR_RETURN(std::vector<TrainingJobRow> runs,
                      ctx.training_jobs->List(q));
  for (const auto& r : runs) {
    const std::string name =
        names.count(r.model_id) ? names[r.model_id] : r.job_name;
    out.push_back({r.created_at, "TRAINING_STARTED", r.job_name + " queued"});
    if (!r.settled) continue;
    if (r.outcome == "COMPLETED") {
      out.push_back(
          {*r.settled_at, "MODEL_TRAINED", name + " training completed"});
    } else if (r.outcome == "FAILED") {
      out.push_back(
          {*r.settled_at, "TRAINING_FAILED", name + " training failed"});
    } else {
      out.push_back(
          {*r.settled_at, "TRAINING_CANCELLED", name + " training cancelled"});
    }
  }
  TY_ASSIGN_OR_RETURN(
      std::vector<Subscription> sold,
      ctx.marketplace->ListSubscriptions(std::nullopt, std::nullopt, user_id));
  // A subscription named in another's renewed_by continues it (automatic
  // renewal, or a new subscription after the old one ended).
  auto renewals = [](const std::vector<Subscription>& subs) {
    std::set<std::string> ids;
    for (const auto& s : subs) {
      if (s.renewed_by) ids.insert(*s.renewed_by);
    }
    return ids;
  };
  const std::set<std::string> sold_renewals = renewals(sold);
  for (const auto& s : sold) {
    const std::string name =
        names.count(s.model_id) ? names[s.model_id] : s.model_id;
    const bool renewal = sold_renewals.count(s.id) > 0;
    out.push_back({s.created_at,
                   renewal ? "SUBSCRIPTION_RENEWED" : "MODEL_SUBSCRIBED",
                   (renewal ? "Subscription to " + name + " renewed ("
                            : "New subscriber to " + name + " (") +
                       FormatCents(s.amount_cents) + ")"});
  }
  TY_ASSIGN_OR_RETURN(
      std::vector<Subscription> bought,
      ctx.marketplace->ListSubscriptions(std::nullopt, user_id, std::nullopt));
  const std::set<std::string> bought_renewals = renewals(bought);
  for (const auto& s : bought) {
    const bool renewal = bought_renewals.count(s.id) > 0;
    out.push_back({s.created_at,
                   renewal ? "SUBSCRIPTION_RENEWED" : "SUBSCRIPTION_STARTED",
                   (renewal ? "Renewed subscription to listing "
                            : "Subscribed to listing ") +
                       s.listing_id + " (" + FormatCents(s.amount_cents) +
                       ")"});
    if (s.renewal_status == kRenewalInsufficientCredits ||
        s.renewal_status == kRenewalListingUnavailable) {
      out.push_back({s.end_day * kMsPerDay, "SUBSCRIPTION_EXPIRED",
                     "Subscription to listing " + s.listing_id + " expired: " +
                         (s.renewal_status == kRenewalInsufficientCredits
                              ? "not enough credits to renew"
                              : "the listing is no longer available")});
    }
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const Activity& a, const Activity& b) { return a.at > b.at; });
  if (out.size() > 10) out.resize(10);
  return out;
}

// The equity curve of the user's most recently trained model, as a
// portfolio of 100,000 (the backtest on its test period).
json PerformanceChart(const std::vector<StudioModel>& models) {
  const StudioModel* latest = nullptr;
  for (const auto& m : models) {
    if (m.version == 0 || !m.result.contains("equity")) continue;
    if (latest == nullptr || m.updated_at > latest->updated_at) latest = &m;
  }
  json chart = {
      {"labels", json::array()},
      {"datasets", {{{"label", "Portfolio Value"}, {"data", json::array()}}}},
      {"model_id", nullptr}};
  if (latest == nullptr) return chart;
  const json& equity = latest->result["equity"];
  const size_t n = equity.size();
  const size_t step =
      std::max<size_t>(1, (n + kChartPoints - 1) / kChartPoints);
  for (size_t i = 0; i < n; i += step) {
    chart["labels"].push_back(equity[i][0]);
    chart["datasets"][0]["data"].push_back(
        std::round(equity[i][1].get<double>() * 100000 * 100) / 100);
  }
  chart["model_id"] = latest->id;
  chart["model_name"] = latest->name;
  chart["data_source"] = latest->data_source;
  return chart;
}

Result<api::Response> Dashboard(StudioContext& ctx, api::Request& req) {
  const std::string& user_id = req.caller().user_id;
  TY_ASSIGN_OR_RETURN(store::User user, CallerUser(ctx, req));
  ModelQuery q;
  q.owner_id = user_id;
  q.limit = 100000;
  TY_ASSIGN_OR_RETURN(std::vector<StudioModel> models, ctx.models->List(q));
  int64_t active = 0, published = 0;
  for (const auto& m : models) {
    active += m.status == kCompleted || m.status == kPublished;
    published += m.status == kPublished;
  }
  auto [from, to] = MonthBounds(ctx.NowMillis());
  TrainingJobQuery runs_query;
  runs_query.owner_id = user_id;
  TY_ASSIGN_OR_RETURN(std::vector<TrainingJobRow> runs,
                      ctx.training_jobs->List(runs_query));
  const int64_t this_month = std::count_if(
      runs.begin(), runs.end(),
      [&](const auto& r) { return r.created_at >= from && r.created_at < to; });
  TY_ASSIGN_OR_RETURN(double used,
                      ctx.training_jobs->ComputeSeconds(user_id, from, to));
  TY_ASSIGN_OR_RETURN(
      int64_t earned,
      ctx.ledger->Sum(user_id, kSubscriptionIncome, 0, INT64_MAX));
  const double allowance = ctx.settings.AllowanceHours(user.tier);
  TY_ASSIGN_OR_RETURN(std::vector<Activity> activity,
                      RecentActivity(ctx, user_id, models));
  json recent = json::array();
  for (const auto& a : activity) {
    recent.push_back({{"type", a.type},
                      {"message", a.message},
                      {"timestamp", IsoTime(a.at)}});
  }
  return Json(200, {{"summary",
                     {{"total_models", models.size()},
                      {"active_models", active},
                      {"published_models", published},
                      {"training_jobs_this_month", this_month},
                      {"total_earnings", FormatCents(earned)},
                      {"compute_hours_used", Hours(used)},
                      {"compute_hours_remaining",
                       Round4(std::max(0.0, allowance - used / 3600.0))},
                      {"credits_balance", Usd(user.credits)},
                      {"credits_balance_usd", Usd(user.credits)}}},
                    {"recent_activity", recent},
                    {"performance_chart", PerformanceChart(models)}});
}

Result<api::Response> Leasing(StudioContext& ctx, api::Request& req) {
  const std::string& user_id = req.caller().user_id;
  const int64_t now = ctx.NowMillis();
  const int64_t today = TodayDay(ctx);
  TY_ASSIGN_OR_RETURN(
      std::vector<Subscription> sold,
      ctx.marketplace->ListSubscriptions(std::nullopt, std::nullopt, user_id));
  auto share = [](const Subscription& s) {
    return s.amount_cents - s.commission_cents;
  };
  int64_t total = 0, active = 0;
  struct PerModel {
    int64_t revenue_30d = 0, active = 0, churned = 0;
  };
  std::map<std::string, PerModel> by_model;
  for (const auto& s : sold) {
    total += share(s);
    const bool is_active = s.start_day <= today && s.end_day > today;
    active += is_active;
    PerModel& pm = by_model[s.model_id];
    if (s.created_at >= now - 30 * kMsPerDay) pm.revenue_30d += share(s);
    pm.active += is_active;
    // Churned: ended in the last 30 days and not followed by a newer
    // subscription of the same subscriber to the same model.
    if (s.end_day <= today && s.end_day > today - 30) {
      const bool renewed =
          std::any_of(sold.begin(), sold.end(), [&](const auto& o) {
            return o.subscriber_id == s.subscriber_id &&
                   o.model_id == s.model_id && o.start_day >= s.end_day - 1 &&
                   o.id != s.id;
          });
      pm.churned += !renewed;
    }
  }
  json revenue_by_model = json::array();
  for (const auto& [model_id, pm] : by_model) {
    Result<StudioModel> m = ctx.models->Get(model_id);
    const int64_t base = pm.active + pm.churned;
    revenue_by_model.push_back(
        {{"model_id", model_id},
         {"model_name", m.ok() ? m->name : model_id},
         {"monthly_revenue", FormatCents(pm.revenue_30d)},
         {"subscribers", pm.active},
         {"churn_rate",
          base > 0 ? json(Round4(static_cast<double>(pm.churned) / base))
                   : json(nullptr)}});
  }
  // The last six calendar months, oldest first.
  json labels = json::array(), data = json::array();
  int64_t month_start = MonthBounds(now).first;
  std::vector<std::pair<int64_t, int64_t>> months;
  for (int i = 0; i < 6; ++i) {
    auto bounds = MonthBounds(month_start);
    months.insert(months.begin(), bounds);
    month_start = MonthBounds(bounds.first - 1).first;
  }
  for (const auto& [from, to] : months) {
    TY_ASSIGN_OR_RETURN(
        int64_t cents, ctx.ledger->Sum(user_id, kSubscriptionIncome, from, to));
    const int month = std::stoi(DateOf(from).substr(5, 2));
    labels.push_back(kMonthNames[month - 1]);
    data.push_back(static_cast<double>(cents) / 100.0);
  }
  return Json(200, {{"total_revenue", FormatCents(total)},
                    {"active_subscriptions", active},
                    {"revenue_by_model", revenue_by_model},
                    {"revenue_trend", {{"labels", labels}, {"data", data}}},
                    {"commission_rate", ctx.settings.commission_rate}});
}

// [from, to) in ms for the query's start_date and end_date (inclusive
// days), `from`/`to` as given where absent. VALIDATION_ERROR naming bad
// dates or an end before the start.
Result<std::pair<int64_t, int64_t>> DateRange(
    const std::optional<std::string>& start,
    const std::optional<std::string>& end, int64_t from, int64_t to) {
  std::vector<FieldError> errors;
  if (start) {
    auto d = ml::ParseDate(*start);
    d.ok() ? void(from = *d * kMsPerDay)
           : errors.push_back({"start_date", "must be YYYY-MM-DD"});
  }
  if (end) {
    auto d = ml::ParseDate(*end);
    d.ok() ? void(to = (*d + 1) * kMsPerDay)
           : errors.push_back({"end_date", "must be YYYY-MM-DD"});
  }
  if (errors.empty() && to <= from) {
    errors.push_back({"end_date", "must not be before start_date"});
  }
  if (!errors.empty())
    return ValidationError("invalid query parameters", errors);
  return std::pair{from, to};
}

Result<api::Response> Usage(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  auto start = q.String("start_date");
  auto end = q.String("end_date");
  TY_RETURN_IF_ERROR(q.Finish());
  auto [month_from, month_to] = MonthBounds(ctx.NowMillis());
  TY_ASSIGN_OR_RETURN(auto range, DateRange(start, end, month_from, month_to));
  const auto [from, to] = range;
  TY_ASSIGN_OR_RETURN(store::User user, CallerUser(ctx, req));
  const std::string& user_id = user.id;
  TrainingJobQuery month_q{user_id, std::nullopt, month_from, month_to};
  TY_ASSIGN_OR_RETURN(std::vector<TrainingJobRow> month_runs,
                      ctx.training_jobs->List(month_q));
  double month_seconds = 0;
  int64_t month_cost = 0;
  for (const auto& r : month_runs) {
    month_seconds += r.compute_seconds;
    month_cost += r.charged_cents;
  }
  const double limit = ctx.settings.AllowanceHours(user.tier);
  TrainingJobQuery range_q{user_id, std::nullopt, from, to};
  TY_ASSIGN_OR_RETURN(std::vector<TrainingJobRow> runs,
                      ctx.training_jobs->List(range_q));
  json by_job = json::array();
  std::map<std::string, std::pair<double, int64_t>> daily;
  for (const auto& r : runs) {
    by_job.push_back({{"job_id", r.id},
                      {"job_name", r.job_name},
                      {"hours", Hours(r.compute_seconds)},
                      {"cost", FormatCents(r.charged_cents)},
                      {"resource_type", "CPU"},
                      {"outcome", r.outcome}});
    auto& day = daily[DateOf(*r.settled_at)];
    day.first += r.compute_seconds;
    day.second += r.charged_cents;
  }
  json daily_usage = json::array();
  for (const auto& [date, v] : daily) {
    daily_usage.push_back({{"date", date},
                           {"hours", Hours(v.first)},
                           {"cost", FormatCents(v.second)}});
  }
  const double used_hours = month_seconds / 3600.0;
  return Json(
      200,
      {{"current_period",
        {{"period", DateOf(month_from).substr(0, 7)},
         {"hours_used", Round4(used_hours)},
         {"hours_limit", limit},
         {"percentage_used",
          limit > 0 ? json(Round4(100.0 * used_hours / limit)) : json(nullptr)},
         {"cost", FormatCents(month_cost)}}},
       {"usage_by_job", by_job},
       {"daily_usage", daily_usage},
       {"price_per_hour", FormatCents(ctx.settings.price_per_hour_cents)},
       {"credits_balance", Usd(user.credits)},
       {"credits_balance_usd", Usd(user.credits)}});
}

const std::shared_ptr<const api::BodySchema>& PurchaseCreditsBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{
          api::Required(
              api::NumberField("hours", 0.01, 10000,
                               "compute hours to buy at the hourly price")),
          api::Required(api::EnumField(
              "payment_method",
              {"credit_card", "debit_card", "bank_transfer", "upi", "wallet"},
              "how it was paid (recorded, not charged)"))}));
  return *schema;
}

Result<api::Response> PurchaseCredits(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*PurchaseCreditsBody(), body);
  auto hours = v.Number("hours");
  auto method = v.Enum("payment_method");
  TY_RETURN_IF_ERROR(v.Finish());
  const int64_t cents = static_cast<int64_t>(std::llround(
      *hours * static_cast<double>(ctx.settings.price_per_hour_cents)));
  const std::string txn = "txn_" + HexEncode(RandomBytes(8));
  TY_ASSIGN_OR_RETURN(double balance,
                      ctx.ledger->Apply(req.caller().user_id, cents,
                                        kCreditPurchase, txn, ctx.NowMillis()));
  TY_ASSIGN_OR_RETURN(store::User user, CallerUser(ctx, req));
  TY_ASSIGN_OR_RETURN(double free_seconds, FreeSecondsLeft(ctx, user));
  const double hours_balance =
      free_seconds / 3600.0 +
      balance * 100.0 / static_cast<double>(ctx.settings.price_per_hour_cents);
  return Json(201, {{"transaction_id", txn},
                    {"hours_purchased", *hours},
                    {"amount", FormatCents(cents)},
                    {"new_balance", Round4(hours_balance)},
                    {"new_balance_hours", Round4(hours_balance)},
                    {"amount_usd", FormatCents(cents)},
                    {"credits_balance", Usd(balance)},
                    {"credits_balance_usd", Usd(balance)},
                    {"payment_method", *method},
                    {"payment_status", "RECORDED"},
                    {"expires_at", nullptr}});
}

// GET compute/ledger/: every movement of the caller's credits, newest
// first, with the balance after it.
Result<api::Response> Ledger(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  auto kind = q.Enum("kind", {kTrainingHold, kTrainingRefund, kCreditPurchase,
                              kSubscriptionPayment, kSubscriptionIncome});
  auto start = q.String("start_date");
  auto end = q.String("end_date");
  TY_RETURN_IF_ERROR(q.Finish());
  TY_ASSIGN_OR_RETURN(auto range, DateRange(start, end, 0, INT64_MAX));
  TY_ASSIGN_OR_RETURN(store::User user, CallerUser(ctx, req));
  TY_ASSIGN_OR_RETURN(
      std::vector<LedgerEntry> entries,
      ctx.ledger->Entries(user.id, kind, range.first, range.second));
  std::vector<json> items;
  items.reserve(entries.size());
  for (const LedgerEntry& e : entries) {
    items.push_back({{"id", e.id},
                     {"kind", e.kind},
                     {"amount_usd", FormatCents(e.amount_cents)},
                     {"balance_after_usd", Usd(e.balance_after)},
                     {"reference", e.reference},
                     {"created_at", IsoTime(e.created_at)}});
  }
  json out = PageOf(req, page, items);
  out["credits_balance_usd"] = Usd(user.credits);
  return Json(200, out);
}

}  // namespace

Status AddAnalyticsRoutes(const std::shared_ptr<StudioContext>& ctx,
                          api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/analytics/dashboard",
                                    Access::kUser, ctx, Dashboard));
  return AddStudioRoute(router, "GET", "/analytics/leasing", Access::kUser, ctx,
                        Leasing);
}

Status AddComputeRoutes(const std::shared_ptr<StudioContext>& ctx,
                        api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/compute/usage",
                                    Access::kUser, ctx, Usage));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/compute/ledger",
                                    Access::kUser, ctx, Ledger));
  return AddStudioRoute(router, "POST", "/compute/purchase-credits",
                        Access::kUser, ctx, PurchaseCredits, 0,
                        PurchaseCreditsBody());
}

}  // namespace trainyard::studio
