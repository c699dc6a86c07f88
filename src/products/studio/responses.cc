#include "products/studio/responses.h"

#include <string>
#include <vector>

#include "products/studio/studio_errors.h"

namespace trainyard::studio {
namespace {

using api::KeepShape;
using api::PageShape;
using api::RouteResponses;

// Measured figures by name (accuracy, sharpe_ratio, rmse, ...): which ones
// depend on the model type; null where undefined (NaN).
constexpr const char* kMetrics = R"({"*": "number|null"})";

// A model as models/ lists it (ModelSummaryJson); `owner_only` is appended
// to the names of the members only its owner sees.
std::string ModelSummaryMembers(const std::string& owner_only = "") {
  return R"("id": "string", "name": "string", "description": "string",
    "model_type": "string", "algorithm": "string", "status": "string",
    "is_published": "boolean", "performance_metrics": {"*": "number|null"},
    "total_earnings)" +
         owner_only + R"(": "string", "version": "integer",
    "data_source": "string|null", "created_at": "string",
    "updated_at": "string")";
}

// The validated training_config (model_config.cc fills every default).
constexpr const char* kTrainingConfig =
    R"({"symbols": ["string"], "start_date": "string", "end_date": "string",
    "train_test_split": "number", "cross_validation_folds": "integer",
    "prediction_horizon": "integer", "signal_threshold": "number",
    "lags": "integer", "transaction_cost": "number",
    "allow_short": "boolean"})";

// The test-period backtest ({} until the model is trained).
constexpr const char* kBacktest =
    R"({"total_trades?": "integer", "winning_trades?": "integer",
    "losing_trades?": "integer", "win_rate?": "number|null",
    "avg_win?": "number|null", "avg_loss?": "number|null",
    "profit_factor?": "number|null", "total_return?": "number|null",
    "sharpe_ratio?": "number|null", "max_drawdown?": "number|null",
    "benchmark_return?": "number|null", "start_date?": "string",
    "end_date?": "string", "transaction_cost_included?": "boolean"})";

// One naive rule's backtest on the same test rows.
constexpr const char* kBaselineRun =
    R"({"total_return": "number|null", "sharpe_ratio": "number|null",
    "max_drawdown": "number|null", "total_trades": "integer",
    "rule": "string"})";

// The naive baselines (majority class for classification, zero forecast
// otherwise); null before training.
std::string BaselinesShape() {
  return std::string(R"({"|": "null", "buy_and_hold": )") + kBaselineRun +
         R"(, "momentum": )" + kBaselineRun +
         R"(, "majority_class?": {"class": "string",
      "accuracy": "number|null", "rule": "string"},
    "zero_forecast?": {"rmse": "number|null", "rule": "string"}})";
}

// Whether the model beats each baseline, and the sentence that says so.
constexpr const char* kComparison =
    R"({"|": "null", "beats_all_baselines": "boolean",
    "beats": {"*": "boolean"}, "verdict": "string"})";

// A model's detail (ModelDetailJson). With `subscriber_may_see`, also a
// subscriber's view (PublicModelDetailJson): the owner's members may be
// absent and "access" ("subscriber") present.
std::string ModelDetailShape(bool subscriber_may_see) {
  const std::string owner_only = subscriber_may_see ? "?" : "";
  auto owner = [&](const std::string& name) {
    return "\"" + name + owner_only + "\"";
  };
  std::string shape = std::string("{") + ModelSummaryMembers(owner_only) + R"(,
    "target_variable": "string", "features": ["string"],
    "backtest_results": )" +
                      kBacktest +
                      R"(, "feature_importance": {"*": "number"},
    "baselines": )" + BaselinesShape() +
                      R"(, "comparison": )" + kComparison + R"(,
    "confusion_matrix": {"|": "null", "labels": ["string"], "rows": "string",
      "columns": "string", "matrix": [["integer"]]},
    "per_class_metrics": {"|": "null", "*": {"precision": "number|null",
      "recall": "number|null", "f1_score": "number|null",
      "support": "integer", "predicted": "integer"}})";
  shape += ", " + owner("hyperparameters") + R"(: {"*": "number"}, )" +
           owner("effective_hyperparameters") + R"(: {"*": "number"}, )" +
           owner("training_config") + ": " + kTrainingConfig + ", " +
           owner("cv_metrics") + ": " + kMetrics + ", " +
           owner("training_summary") +
           R"(: {"train_rows?": "integer", "test_rows?": "integer",
      "train_start?": "string", "train_end?": "string",
      "test_start?": "string", "test_end?": "string",
      "best_epoch?": "integer", "epochs?": "integer", "job_id?": "string",
      "compute_seconds?": "number",
      "timings?": {"load_data_seconds": "number",
        "pipeline_seconds": "number", "fit_seconds": "number",
        "fit_cpu_seconds": "number", "save_and_plots_seconds": "number"}}, )" +
           owner("total_downloads") + R"(: "integer")";
  if (subscriber_may_see) shape += R"(, "access?": "string")";
  return shape + "}";
}

// A training run (training_routes.cc RunJson).
std::string RunMembers() {
  return std::string(R"("id": "string", "model_id": "string",
    "job_name": "string", "priority": "string", "status": "string",
    "progress": "integer", "created_at": "string",
    "started_at": "string|null", "completed_at": "string|null",
    "compute_hours": "number", "compute_seconds": "number",
    "estimated_cost": "string", "cost": "string|null",
    "refund_amount": "string|null", "model_version": "integer",
    "training_metrics": {"|": "null", "epochs": "integer",
      "best_epoch": "integer", "final_accuracy?": "number|null",
      "final_rmse?": "number|null", "final_loss": "number|null"},
    "validation_metrics": {"|": "null", "*": "number|null"},
    "data_source": "string|null", "baselines": )") +
         BaselinesShape() + R"(, "comparison": )" + kComparison + R"(,
    "error": "string|null", "error_code": "string|null")";
}

// What predict/, batch-predict/ and explain/ say about one row
// (prediction_routes.cc AddPrediction): a class with its confidence and
// probabilities, or a predicted return (confidence null).
constexpr const char* kPredictionMembers =
    R"("prediction": "string|number|null", "confidence?": "number|null",
    "probabilities?": {"SELL": "number|null", "HOLD": "number|null",
      "BUY": "number|null"},
    "predicted_return?": "number|null")";

// A row's SHAP contributions when asked for.
constexpr const char* kContributionMembers =
    R"("feature_contributions?": {"*": "number|null"},
    "base_value?": "number|null", "explained_class?": "string|null")";

std::string PredictShape() {
  return std::string(R"({"predictions": [{"symbol": "string",
      "input": "string", "missing_features?": ["string"],
      "missing_features_handling?": "string", "warning?": "string",
      "date?": "string", "close?": "number|null", "data_source?": "string",
      "data_age_days?": "integer", "data_stale?": "boolean", )") +
         kPredictionMembers + ", " + kContributionMembers + R"(}],
    "model_version": "string", "prediction_timestamp": "string",
    "contribution_method": "string|null", "data_source": "string|null"})";
}

std::string BatchPredictShape() {
  return std::string(R"({"predictions": [{"symbol": "string",
      "date": "string", "close": "number|null", )") +
         kPredictionMembers + ", " + kContributionMembers + R"(}],
    "count": "integer", "model_version": "string",
    "prediction_timestamp": "string", "data_source": "string"})";
}

std::string ExplainShape() {
  return std::string(R"({"explanations": [{"symbol": "string",
      "date": "string", "timestamp": "string", "base_value": "number|null",
      "expected_value": "number|null", "prediction_value": "number|null",
      "explained_class": "string|null", "shap_values": {"*": "number|null"},
      )") +
         kPredictionMembers + R"(}],
    "feature_importance_global": {"*": "number|null"},
    "model_version": "string", "units": "string",
    "explained_class": "string|null", "method": "string",
    "data_source": "string"})";
}

// A marketplace listing (marketplace_routes.cc ListingJson).
constexpr const char* kListingMembers =
    R"("id": "string", "model_id": "string", "title": "string",
    "description": "string",
    "seller": {"id": "string", "username": "string", "rating": "number|null",
      "total_models": "integer"},
    "category": "string", "asset_classes": ["string"],
    "pricing_model": "string", "monthly_price": "string",
    "performance_fee_rate": "number",
    "performance_metrics": {"sharpe_ratio?": "number|null",
      "max_drawdown?": "number|null", "total_return?": "number|null",
      "win_rate?": "number|null", "accuracy?": "number|null"},
    "benchmark": {"|": "null", "buy_and_hold_return?": "number|null",
      "buy_and_hold_sharpe_ratio?": "number|null",
      "momentum_return?": "number|null",
      "momentum_sharpe_ratio?": "number|null",
      "majority_class_accuracy?": "number|null",
      "majority_class?": "string|null",
      "beats_all_baselines": "boolean|null", "verdict": "string|null"},
    "data_source": "string|null", "total_subscribers": "integer",
    "average_rating": "number|null", "is_featured": "boolean",
    "sample_signals_count": "integer", "status": "string",
    "created_at": "string")";

// The subscriber's view of a subscription (subscription_routes.cc).
constexpr const char* kSubscription =
    R"({"subscription_id": "string", "listing_id": "string",
    "model_id": "string", "subscription_type": "string", "status": "string",
    "auto_renew": "boolean", "started_at": "string", "expires_at": "string",
    "start_date": "string", "end_date": "string",
    "next_billing_date": "string|null", "price_paid": "string",
    "total_amount": "string", "renewal_status": "string|null",
    "renewed_by": "string|null", "renewal_of": "string|null",
    "cancelled_at": "string|null"})";

constexpr const char* kWebhookMembers =
    R"("id": "string", "url": "string", "events": ["string"],
    "created_at": "string")";

// A symbol with prices; row count and import time for imported ones.
constexpr const char* kDatasetMembers =
    R"("symbol": "string", "data_source": "string", "first_date": "string",
    "last_date": "string", "has_volume": "boolean", "rows?": "integer",
    "imported_at?": "string")";

std::string Object(const std::string& members) { return "{" + members + "}"; }

const std::vector<RouteResponses>& StudioResponses() {
  static const auto* responses = [] {
    const std::string base = kStudioPathPrefix;
    const std::string_view owner_detail = KeepShape(ModelDetailShape(false));
    const std::string_view listing = KeepShape(Object(kListingMembers));
    const std::string_view subscriptions = KeepShape(PageShape(kSubscription));
    auto* out = new std::vector<RouteResponses>{
        // models/
        {"GET",
         base + "/models",
         {{200, KeepShape(PageShape(Object(ModelSummaryMembers())))}}},
        {"POST",
         base + "/models",
         {{201, R"({"id": "string", "name": "string", "status": "string",
                    "created_at": "string", "message": "string"})"}}},
        // The owner's detail, or a subscriber's view of it.
        {"GET",
         base + "/models/{model_id}",
         {{200, KeepShape(ModelDetailShape(true))}}},
        {"PATCH", base + "/models/{model_id}", {{200, owner_detail}}},
        {"DELETE", base + "/models/{model_id}", {{204, ""}}},
        {"POST", base + "/models/{model_id}/archive", {{200, owner_detail}}},
        // training
        {"POST",
         base + "/models/{model_id}/train",
         {{202, R"({"job_id": "string", "message": "string",
                    "estimated_completion": "string",
                    "estimated_cost": "string", "status": "string"})"}}},
        {"GET",
         base + "/training-jobs",
         {{200, KeepShape(PageShape(Object(RunMembers())))}}},
        {"GET",
         base + "/training-jobs/{job_id}",
         {{200, KeepShape(Object(RunMembers() + R"(,
           "current_epoch": "integer", "total_epochs": "integer",
           "current_metrics": )" +
                                 kMetrics + R"(,
           "estimated_completion": "string",
           "logs": [{"timestamp": "string", "level": "string",
                     "message": "string"}])"))}}},
        {"POST",
         base + "/training-jobs/{job_id}/cancel",
         {{200, R"({"message": "string", "refund_amount": "string",
                    "charged_amount": "string",
                    "compute_seconds": "number"})"}}},
        // predictions, explanations, plots
        {"POST",
         base + "/models/{model_id}/predict",
         {{200, KeepShape(PredictShape())}}},
        {"POST",
         base + "/models/{model_id}/batch-predict",
         {{200, KeepShape(BatchPredictShape())}}},
        {"GET",
         base + "/models/{model_id}/explain",
         {{200, KeepShape(ExplainShape())}}},
        {"GET",
         base + "/models/{model_id}/feature-importance",
         {{200, R"({"feature_importance": {"*": {"importance": "number",
                      "rank": "integer", "description": "string",
                      "shap_importance": "number"}},
                    "importance_type": "string", "model_version": "string",
                    "importance_plot_url": "string",
                    "shap_summary_plot_url": "string",
                    "shap_summary_plot_explains": "string",
                    "shap_summary_plot_urls_by_class": {"|": "null",
                      "SELL": "string", "HOLD": "string",
                      "BUY": "string"}})"}}},
        {"GET",
         base + "/models/{model_id}/plots/{plot}",
         {{200, "", "image/png"}}},
        // marketplace
        {"POST",
         base + "/models/{model_id}/publish",
         {{201, R"({"listing_id": "string", "status": "string",
                    "message": "string",
                    "estimated_review_time": "string"})"}}},
        {"GET", base + "/marketplace", {{200, KeepShape(PageShape(listing))}}},
        {"GET",
         base + "/marketplace/{listing_id}",
         {{200, KeepShape(Object(std::string(kListingMembers) + R"(,
           "sample_signals": [{"symbol": "string", "signal": "string",
             "confidence?": "number", "date?": "string"}],
           "terms_and_conditions": "string")"))}}},
        {"POST",
         base + "/marketplace/{listing_id}/subscribe",
         {{201, R"({"subscription_id": "string", "status": "string",
                    "model_id": "string", "start_date": "string",
                    "end_date": "string", "next_billing_date": "string|null",
                    "auto_renew": "boolean", "total_amount": "string",
                    "message": "string"})"}}},
        {"GET",
         base + "/admin/listings",
         {{200, KeepShape(PageShape(listing))}}},
        // What the approving admin should know (a listing that does not
        // beat its baselines).
        {"POST",
         base + "/admin/listings/{listing_id}/approve",
         {{200, KeepShape(Object(std::string(kListingMembers) +
                                 R"(, "warnings": ["string"])"))}}},
        {"POST",
         base + "/admin/listings/{listing_id}/reject",
         {{200, KeepShape(Object(std::string(kListingMembers) +
                                 R"(, "review_note": "string")"))}}},
        // subscriptions
        {"GET", base + "/subscriptions", {{200, subscriptions}}},
        {"GET", base + "/marketplace/subscriptions", {{200, subscriptions}}},
        {"GET",
         base + "/subscriptions/{subscription_id}",
         {{200, kSubscription}}},
        {"PATCH",
         base + "/subscriptions/{subscription_id}",
         {{200, kSubscription}}},
        {"POST",
         base + "/subscriptions/{subscription_id}/cancel",
         {{200, kSubscription}}},
        // analytics and compute
        {"GET",
         base + "/analytics/dashboard",
         {{200, R"({"summary": {"total_models": "integer",
                      "active_models": "integer",
                      "published_models": "integer",
                      "training_jobs_this_month": "integer",
                      "total_earnings": "string",
                      "compute_hours_used": "number",
                      "compute_hours_remaining": "number",
                      "credits_balance": "string",
                      "credits_balance_usd": "string"},
                    "recent_activity": [{"type": "string",
                      "message": "string", "timestamp": "string"}],
                    "performance_chart": {"labels": ["string"],
                      "datasets": [{"label": "string", "data": ["number"]}],
                      "model_id": "string|null", "model_name?": "string",
                      "data_source?": "string"}})"}}},
        {"GET",
         base + "/analytics/leasing",
         {{200, R"({"total_revenue": "string",
                    "active_subscriptions": "integer",
                    "revenue_by_model": [{"model_id": "string",
                      "model_name": "string", "monthly_revenue": "string",
                      "subscribers": "integer",
                      "churn_rate": "number|null"}],
                    "revenue_trend": {"labels": ["string"],
                      "data": ["number"]},
                    "commission_rate": "number"})"}}},
        {"GET",
         base + "/compute/usage",
         {{200, R"({"current_period": {"period": "string",
                      "hours_used": "number", "hours_limit": "number",
                      "percentage_used": "number|null", "cost": "string"},
                    "usage_by_job": [{"job_id": "string",
                      "job_name": "string", "hours": "number",
                      "cost": "string", "resource_type": "string",
                      "outcome": "string"}],
                    "daily_usage": [{"date": "string", "hours": "number",
                      "cost": "string"}],
                    "price_per_hour": "string", "credits_balance": "string",
                    "credits_balance_usd": "string"})"}}},
        // Every movement of the caller's credits, with the balance now.
        {"GET",
         base + "/compute/ledger",
         {{200, R"({"count": "integer", "next": "string|null",
                    "previous": "string|null",
                    "results": [{"id": "integer", "kind": "string",
                      "amount_usd": "string", "balance_after_usd": "string",
                      "reference": "string", "created_at": "string"}],
                    "credits_balance_usd": "string"})"}}},
        {"POST",
         base + "/compute/purchase-credits",
         {{201, R"({"transaction_id": "string", "hours_purchased": "number",
                    "amount": "string", "new_balance": "number",
                    "new_balance_hours": "number", "amount_usd": "string",
                    "credits_balance": "string",
                    "credits_balance_usd": "string",
                    "payment_method": "string", "payment_status": "string",
                    "expires_at": "string|null"})"}}},
        // webhooks; the secret is shown once, at creation.
        {"POST",
         base + "/webhooks",
         {{201, KeepShape(Object(std::string(kWebhookMembers) +
                                 R"(, "secret": "string")"))}}},
        {"GET",
         base + "/webhooks",
         {{200, KeepShape(PageShape(Object(kWebhookMembers)))}}},
        {"DELETE", base + "/webhooks/{webhook_id}", {{204, ""}}},
        // The payload's data is the event's own (docs/ai-studio.md).
        {"GET",
         base + "/webhooks/{webhook_id}/deliveries",
         {{200, R"({"count": "integer", "results": [{
                      "delivery_id": "string", "event": "string",
                      "status": "string", "attempts": "integer",
                      "next_attempt_at": "string|null",
                      "created_at": "string",
                      "delivered_at": "string|null",
                      "payload": {"event": "string", "data": "object",
                        "timestamp": "string", "delivery_id": "string"},
                      "log": [{"attempt": "integer",
                        "status_code": "integer|null",
                        "error": "string|null", "duration_ms": "integer",
                        "at": "string"}]}]})"}}},
        // market data
        {"GET",
         base + "/market-data",
         {{200, KeepShape(std::string(R"({"count": "integer", "results": [)") +
                          Object(kDatasetMembers) + "]}")}}},
        {"POST",
         base + "/market-data/{symbol}",
         {{201, KeepShape(Object(std::string(kDatasetMembers) +
                                 R"(, "message": "string")"))}}},
    };
    return out;
  }();
  return *responses;
}

}  // namespace

api::ApiSurface StudioSurface() {
  return {"AI Studio",
          "trading models (studio-api)",
          {kStudioPathPrefix},
          {{402, std::string(kInsufficientCreditsCode) + " or " +
                     kSubscriptionRequiredCode}},
          {kInsufficientCreditsCode, kSubscriptionRequiredCode,
           kModelTrainingErrorCode}};
}

Status DeclareStudioResponses(api::Router* router) {
  return router->DeclareResponses(StudioResponses());
}

}  // namespace trainyard::studio
