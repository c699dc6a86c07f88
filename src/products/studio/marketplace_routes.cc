// Marketplace: publish (-> PENDING_REVIEW), admin review, browse with
// filters, subscribe (charges the subscriber, pays the seller minus the
// platform commission, grants predict/explain access for one month).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "api/json_validator.h"
#include "api/pagination.h"
#include "core/ids.h"
#include "ml/calendar.h"
#include "products/studio/route_support.h"
#include "products/studio/routes.h"
#include "products/studio/studio_errors.h"
#include "products/studio/studio_json.h"
#include "products/studio/subscriptions.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

const std::vector<std::string> kCategories = {
    "MOMENTUM",  "MEAN_REVERSION", "TREND_FOLLOWING", "BREAKOUT",
    "ARBITRAGE", "VOLATILITY",     "MULTI_FACTOR",    "OTHER"};
const std::vector<std::string> kAssetClasses = {
    "EQUITY", "INDEX", "FOREX", "CRYPTO", "COMMODITY", "DERIVATIVES"};

// A price as the document writes it ("2999.00") or a number; cents.
std::optional<int64_t> ParsePrice(const json& value) {
  double amount = 0;
  if (value.is_number()) {
    amount = value.get<double>();
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    char* end = nullptr;
    amount = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0') return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(amount) || amount < 0 || amount > 1e7) return std::nullopt;
  const double cents = amount * 100;
  if (std::fabs(cents - std::round(cents)) > 1e-6) return std::nullopt;
  return static_cast<int64_t>(std::llround(cents));
}

// The naive baselines next to a listing's figures, in the same units as
// performance_metrics: buy-and-hold and momentum returns and Sharpe ratios
// on the model's test period, the majority-class accuracy, and the verdict.
json BenchmarkJson(const json& result) {
  if (!result.contains("baselines") || !result["baselines"].is_object()) {
    return json();
  }
  const json& b = result["baselines"];
  json out = json::object();
  for (const char* rule : {"buy_and_hold", "momentum"}) {
    if (!b.contains(rule)) continue;
    out[std::string(rule) + "_return"] = b[rule].value("total_return", json());
    out[std::string(rule) + "_sharpe_ratio"] =
        b[rule].value("sharpe_ratio", json());
  }
  if (b.contains("majority_class")) {
    out["majority_class_accuracy"] =
        b["majority_class"].value("accuracy", json());
    out["majority_class"] = b["majority_class"].value("class", json());
  }
  const json& c = result.value("comparison", json::object());
  out["beats_all_baselines"] = c.value("beats_all_baselines", json());
  out["verdict"] = c.value("verdict", json());
  return out;
}

// What the admin who approved a listing should know: a model that does not
// beat its naive baselines is now sold (and, if featured, shown first)
// although always-HOLD or buy-and-hold did better. `benchmark` is
// BenchmarkJson's answer (null for models trained before baselines).
json ApprovalWarnings(const json& benchmark, bool featured) {
  json out = json::array();
  if (!benchmark.is_object()) return out;
  // Either may be null (BenchmarkJson copies what the result holds).
  const json beats = benchmark.value("beats_all_baselines", json());
  const json verdict = benchmark.value("verdict", json());
  if (!beats.is_boolean() || beats.get<bool>()) return out;
  out.push_back(std::string("the listed model does not beat its naive "
                            "baselines, yet it is now listed") +
                (featured ? " and featured" : "") +
                (verdict.is_string() ? ": " + verdict.get<std::string>()
                                     : std::string()));
  return out;
}

json ListingJson(StudioContext& ctx, const Listing& l, int64_t today) {
  Result<StudioModel> model = ctx.models->Get(l.model_id);
  json perf = json::object();
  json benchmark;  // null for models trained before baselines existed
  if (model.ok()) {
    const json& p = model->result.value("performance_metrics", json::object());
    for (const char* k : {"sharpe_ratio", "max_drawdown", "total_return",
                          "win_rate", "accuracy"}) {
      if (p.contains(k)) perf[k] = p[k];
    }
    benchmark = BenchmarkJson(model->result);
  }
  std::string seller_name;
  if (auto seller = ctx.deps.store->users()->GetUser(l.seller_id);
      seller.ok()) {
    seller_name = seller->name;
  }
  ListingQuery by_seller;
  by_seller.seller_id = l.seller_id;
  by_seller.status = kApproved;
  auto seller_listings = ctx.marketplace->ListListings(by_seller);
  auto subs =
      ctx.marketplace->ListSubscriptions(l.id, std::nullopt, std::nullopt);
  int64_t active = 0;
  if (subs.ok()) {
    for (const auto& s : *subs)
      active += s.start_day <= today && s.end_day > today;
  }
  return {
      {"id", l.id},
      {"model_id", l.model_id},
      {"title", l.title},
      {"description", l.description},
      {"seller",
       {{"id", l.seller_id},
        {"username", seller_name},
        {"rating", nullptr},
        {"total_models", seller_listings.ok() ? seller_listings->size() : 0}}},
      {"category", l.category},
      {"asset_classes", l.asset_classes},
      {"pricing_model", l.pricing_model},
      {"monthly_price", FormatCents(l.monthly_price_cents)},
      {"performance_fee_rate", l.performance_fee_rate},
      {"performance_metrics", perf},
      {"benchmark", benchmark},
      {"data_source", model.ok() && !model->data_source.empty()
                          ? json(model->data_source)
                          : json(nullptr)},
      {"total_subscribers", active},
      {"average_rating", nullptr},
      {"is_featured", l.is_featured},
      {"sample_signals_count", l.sample_signals.size()},
      {"status", l.status},
      {"created_at", IsoTime(l.created_at)}};
}

const std::shared_ptr<const api::BodySchema>& PublishBody() {
  using namespace api;  // NOLINT: the field builders
  const json price = {{"type", json::array({"string", "number"})},
                      {"examples", json::array({"2999.00"})}};
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          Required(StringField("title", 200, "")),
          Required(StringField("description", 5000, "")),
          Required(EnumField("category", kCategories, "")),
          Required(ArrayField("asset_classes", EnumField("", kAssetClasses, ""),
                              1, kAssetClasses.size(), "")),
          EnumField("pricing_model", {"FIXED"}, "default FIXED"),
          Required(AnyField("monthly_price", price,
                            "a positive amount with at most 2 decimals")),
          AnyField("performance_fee_rate", price,
                   "only \"0.00\" (no performance fees)"),
          ArrayField("sample_signals",
                     NestedField("",
                                 {Required(StringField("symbol", 32, "")),
                                  Required(EnumField(
                                      "signal", {"BUY", "HOLD", "SELL"}, "")),
                                  NumberField("confidence", 0, 1, ""),
                                  StringField("date", 32, "YYYY-MM-DD")},
                                 ""),
                     0, 20, "examples shown to buyers"),
          StringField("terms_and_conditions", 20000, "")}));
  return *schema;
}

Result<api::Response> Publish(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(StudioModel model, OwnedModel(ctx, req));
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*PublishBody(), body);
  auto title = v.String("title");
  auto description = v.String("description");
  auto category = v.Enum("category");
  auto classes = v.Strings("asset_classes");
  auto pricing = v.Enum("pricing_model");
  auto samples = v.Array("sample_signals");
  auto terms = v.String("terms_and_conditions");
  std::optional<int64_t> price;
  if (std::optional<json> given = v.Any("monthly_price")) {
    price = ParsePrice(*given);
    if (!price || *price <= 0) {
      v.AddError("monthly_price",
                 "must be a positive amount with at most 2 "
                 "decimals, e.g. \"2999.00\"");
    }
  }
  if (std::optional<json> rate = v.Any("performance_fee_rate")) {
    auto fee = ParsePrice(*rate);
    if (!fee || *fee != 0) {
      v.AddError("performance_fee_rate",
                 "performance fees are not supported; use \"0.00\"");
    }
  }
  std::vector<std::string> asset_classes =
      classes.value_or(std::vector<std::string>{});
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(store::User user, CallerUser(ctx, req));
  if (user.tier == store::Tier::kFree) {
    return SubscriptionRequiredError(
        "selling models on the marketplace needs a PRO or ELITE "
        "subscription");
  }
  if (model.status != kCompleted) {
    return ConflictError("only COMPLETED models can be published; model '" +
                         model.id + "' is " + model.status);
  }
  ListingQuery existing;
  existing.model_id = model.id;
  TY_ASSIGN_OR_RETURN(std::vector<Listing> listings,
                      ctx.marketplace->ListListings(existing));
  for (const auto& l : listings) {
    if (l.status != kRejected) {
      return ConflictError("model '" + model.id + "' already has listing '" +
                           l.id + "' (" + l.status + ")");
    }
  }
  Listing l;
  l.id = NewUuidV4();
  l.model_id = model.id;
  l.seller_id = model.owner_id;
  l.title = *title;
  l.description = *description;
  l.category = *category;
  l.asset_classes = asset_classes;
  l.pricing_model = pricing.value_or("FIXED");
  l.monthly_price_cents = *price;
  l.sample_signals = samples.value_or(json::array());
  l.terms_and_conditions = terms.value_or("");
  l.created_at = l.updated_at = ctx.NowMillis();
  TY_RETURN_IF_ERROR(ctx.marketplace->CreateListing(l));
  return Json(201, {{"listing_id", l.id},
                    {"status", kPendingReview},
                    {"message", "Model submitted for marketplace review"},
                    {"estimated_review_time", "2-3 business days"}});
}

Result<api::Response> ListPending(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  auto status = q.Enum("status", {kPendingReview, kApproved, kRejected});
  TY_RETURN_IF_ERROR(q.Finish());
  ListingQuery query;
  query.status = status.value_or(kPendingReview);
  TY_ASSIGN_OR_RETURN(std::vector<Listing> listings,
                      ctx.marketplace->ListListings(query));
  std::vector<json> results;
  for (const auto& l : listings) {
    results.push_back(ListingJson(ctx, l, TodayDay(ctx)));
  }
  return Json(200, PageOf(req, page, results));
}

const std::shared_ptr<const api::BodySchema>& ApproveBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{
          api::BoolField("is_featured", "show the listing first"),
          api::StringField("note", 2000, "a note to the seller")}));
  return *schema;
}

Result<api::Response> Approve(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  api::SchemaReader v(*ApproveBody(), body);
  auto featured = v.Bool("is_featured");
  auto note = v.String("note");
  TY_RETURN_IF_ERROR(v.Finish());
  TY_ASSIGN_OR_RETURN(Listing l,
                      ctx.marketplace->GetListing(req.PathParam("listing_id")));
  const int64_t now = ctx.NowMillis();
  Result<std::string> moved =
      ctx.models->Transition(l.model_id, {kCompleted}, kPublished, now);
  if (!moved.ok()) {
    return ConflictError(
        "the model of listing '" + l.id +
        "' is no longer COMPLETED: " + moved.status().message());
  }
  Status st =
      ctx.marketplace->Review(l.id, kPendingReview, kApproved,
                              note.value_or(""), featured.value_or(false), now);
  if (!st.ok()) {
    (void)ctx.models->Transition(l.model_id, {kPublished}, kCompleted, now);
    return st;
  }
  TY_ASSIGN_OR_RETURN(Listing approved, ctx.marketplace->GetListing(l.id));
  json out = ListingJson(ctx, approved, TodayDay(ctx));
  out["warnings"] = ApprovalWarnings(out["benchmark"], approved.is_featured);
  return Json(200, out);
}

const std::shared_ptr<const api::BodySchema>& RejectBody() {
  static const auto* schema = new std::shared_ptr<const api::BodySchema>(
      std::make_shared<api::BodySchema>(std::vector<api::Field>{api::Required(
          api::StringField("reason", 2000, "why, shown to the seller"))}));
  return *schema;
}

Result<api::Response> Reject(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body));
  api::SchemaReader v(*RejectBody(), body);
  auto reason = v.String("reason");
  TY_RETURN_IF_ERROR(v.Finish());
  const std::string& id = req.PathParam("listing_id");
  TY_ASSIGN_OR_RETURN(Listing l, ctx.marketplace->GetListing(id));
  TY_RETURN_IF_ERROR(ctx.marketplace->Review(l.id, kPendingReview, kRejected,
                                             *reason, false, ctx.NowMillis()));
  TY_ASSIGN_OR_RETURN(Listing rejected, ctx.marketplace->GetListing(id));
  json out = ListingJson(ctx, rejected, TodayDay(ctx));
  out["review_note"] = rejected.review_note;
  return Json(200, out);
}

Result<api::Response> Browse(StudioContext& ctx, api::Request& req) {
  api::QueryValidator q(req);
  api::PageRequest page = api::ParsePage(q, "page_size", 20, 100);
  auto category = q.Enum("category", kCategories);
  auto min_sharpe = q.String("min_sharpe_ratio");
  auto max_price = q.String("max_price");
  auto classes = q.String("asset_classes");
  auto search = q.String("search");
  TY_RETURN_IF_ERROR(q.Finish());
  ListingQuery query;
  query.status = kApproved;
  query.category = category;
  if (search && !search->empty()) query.search = search;
  std::vector<FieldError> errors;
  if (max_price) {
    auto cents = ParsePrice(json(*max_price));
    if (!cents) errors.push_back({"max_price", "must be an amount"});
    query.max_price_cents = cents;
  }
  std::optional<double> sharpe;
  if (min_sharpe) {
    char* end = nullptr;
    double value = std::strtod(min_sharpe->c_str(), &end);
    if (min_sharpe->empty() || *end != '\0' || !std::isfinite(value)) {
      errors.push_back({"min_sharpe_ratio", "must be a number"});
    }
    sharpe = value;
  }
  std::vector<std::string> wanted =
      classes ? SplitCsv(*classes) : std::vector<std::string>{};
  for (const auto& c : wanted) {
    if (std::find(kAssetClasses.begin(), kAssetClasses.end(), c) ==
        kAssetClasses.end()) {
      errors.push_back({"asset_classes", "unknown asset class '" + c + "'"});
    }
  }
  if (!errors.empty())
    return ValidationError("invalid query parameters", errors);
  TY_ASSIGN_OR_RETURN(std::vector<Listing> listings,
                      ctx.marketplace->ListListings(query));
  std::vector<json> matching;
  const int64_t today = TodayDay(ctx);
  for (const auto& l : listings) {
    if (!wanted.empty() &&
        std::none_of(wanted.begin(), wanted.end(), [&](const std::string& c) {
          return std::find(l.asset_classes.begin(), l.asset_classes.end(), c) !=
                 l.asset_classes.end();
        })) {
      continue;
    }
    json item = ListingJson(ctx, l, today);
    if (sharpe) {
      const json& s = item["performance_metrics"].value("sharpe_ratio", json());
      if (!s.is_number() || s.get<double>() < *sharpe) continue;
    }
    matching.push_back(std::move(item));
  }
  return Json(200, PageOf(req, page, matching));
}

Result<api::Response> ListingDetail(StudioContext& ctx, api::Request& req) {
  const std::string& id = req.PathParam("listing_id");
  Result<Listing> l = ctx.marketplace->GetListing(id);
  if (!l.ok() ||
      (l->status != kApproved && l->seller_id != req.caller().user_id &&
       !req.caller().is_admin())) {
    return NotFoundError("listing '" + id + "' not found");
  }
  json out = ListingJson(ctx, *l, TodayDay(ctx));
  out["sample_signals"] = l->sample_signals;
  out["terms_and_conditions"] = l->terms_and_conditions;
  return Json(200, out);
}

const std::shared_ptr<const api::BodySchema>& SubscribeBody() {
  using namespace api;  // NOLINT: the field builders
  static const auto* schema = new std::shared_ptr<const BodySchema>(
      std::make_shared<BodySchema>(std::vector<Field>{
          EnumField("subscription_type", {"MONTHLY"}, "default MONTHLY"),
          BoolField("auto_renew", "renew each month (default true)")}));
  return *schema;
}

Result<api::Response> Subscribe(StudioContext& ctx, api::Request& req) {
  TY_ASSIGN_OR_RETURN(json body, api::ParseJsonObject(req.body, true));
  api::SchemaReader v(*SubscribeBody(), body);
  auto type = v.Enum("subscription_type");
  auto auto_renew = v.Bool("auto_renew");
  TY_RETURN_IF_ERROR(v.Finish());
  const std::string& id = req.PathParam("listing_id");
  Result<Listing> listing = ctx.marketplace->GetListing(id);
  if (!listing.ok() || listing->status != kApproved) {
    return NotFoundError("listing '" + id + "' not found");
  }
  const api::Principal& caller = req.caller();
  if (listing->seller_id == caller.user_id) {
    return Status(ErrorCode::kPermissionDenied,
                  "you cannot subscribe to your own model");
  }
  const int64_t today = TodayDay(ctx);
  TY_ASSIGN_OR_RETURN(std::optional<Subscription> active,
                      ctx.marketplace->ActiveSubscription(
                          caller.user_id, listing->model_id, today));
  if (active) {
    return ConflictError("you already have subscription '" + active->id +
                         "' to this model until " +
                         ml::FormatDate(active->end_day));
  }
  TY_ASSIGN_OR_RETURN(
      Subscription s,
      StartSubscription(ctx, *listing, caller.user_id, type.value_or("MONTHLY"),
                        auto_renew.value_or(false), today));
  return Json(201,
              {{"subscription_id", s.id},
               {"status", "ACTIVE"},
               {"model_id", s.model_id},
               {"start_date", ml::FormatDate(s.start_day)},
               {"end_date", ml::FormatDate(s.end_day)},
               {"next_billing_date",
                s.auto_renew ? json(ml::FormatDate(s.end_day)) : json(nullptr)},
               {"auto_renew", s.auto_renew},
               {"total_amount", FormatCents(s.amount_cents)},
               {"message", "Successfully subscribed to model"}});
}

}  // namespace

Status AddMarketplaceRoutes(const std::shared_ptr<StudioContext>& ctx,
                            api::Router* router) {
  using api::Access;
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "POST",
                                    "/models/{model_id}/publish", Access::kUser,
                                    ctx, Publish, 0, PublishBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/marketplace",
                                    Access::kUser, ctx, Browse));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/marketplace/{listing_id}",
                                    Access::kUser, ctx, ListingDetail));
  TY_RETURN_IF_ERROR(
      AddStudioRoute(router, "POST", "/marketplace/{listing_id}/subscribe",
                     Access::kUser, ctx, Subscribe, 0, SubscribeBody()));
  TY_RETURN_IF_ERROR(AddStudioRoute(router, "GET", "/admin/listings",
                                    Access::kAdmin, ctx, ListPending));
  TY_RETURN_IF_ERROR(
      AddStudioRoute(router, "POST", "/admin/listings/{listing_id}/approve",
                     Access::kAdmin, ctx, Approve, 0, ApproveBody()));
  return AddStudioRoute(router, "POST", "/admin/listings/{listing_id}/reject",
                        Access::kAdmin, ctx, Reject, 0, RejectBody());
}

}  // namespace trainyard::studio
