#include "products/studio/studio_json.h"

#include <cmath>

#include "core/clock.h"
#include "ml/hyperparameters.h"
#include "products/studio/credit_ledger.h"

namespace trainyard::studio {

using nlohmann::json;

json JsonNumber(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}

std::string IsoTime(int64_t unix_ms) {
  return FormatIso8601(FromUnixMillis(unix_ms));
}

double Round4(double value) {
  return std::isfinite(value) ? std::round(value * 1e4) / 1e4 : value;
}

json ModelSummaryJson(const StudioModel& m) {
  return {{"id", m.id},
          {"name", m.name},
          {"description", m.description},
          {"model_type", m.model_type},
          {"algorithm", m.algorithm},
          {"status", m.status},
          {"is_published", m.status == kPublished},
          {"performance_metrics",
           m.result.value("performance_metrics", json::object())},
          {"total_earnings", FormatCents(m.total_earnings_cents)},
          {"version", m.version},
          {"data_source",
           m.data_source.empty() ? json(nullptr) : json(m.data_source)},
          {"created_at", IsoTime(m.created_at)},
          {"updated_at", IsoTime(m.updated_at)}};
}

json TypedHyperparameters(const json& values) {
  json out = json::object();
  if (!values.is_object()) return out;
  for (const auto& [name, value] : values.items()) {
    const bool whole = value.is_number() &&
                       std::isfinite(value.get<double>()) &&
                       value.get<double>() == std::floor(value.get<double>()) &&
                       std::fabs(value.get<double>()) < 9e15;
    out[name] = whole && ml::IsIntegerHyperparameter(name)
                    ? json(static_cast<int64_t>(value.get<double>()))
                    : value;
  }
  return out;
}

json ModelDetailJson(const StudioModel& m) {
  json j = ModelSummaryJson(m);
  j["target_variable"] = m.config.value("target_variable", "");
  j["features"] = m.config.value("features", json::array());
  j["hyperparameters"] =
      TypedHyperparameters(m.config.value("hyperparameters", json::object()));
  j["effective_hyperparameters"] = TypedHyperparameters(
      m.result.value("effective_hyperparameters", json::object()));
  j["training_config"] = m.config.value("training_config", json::object());
  j["backtest_results"] = m.result.value("backtest_results", json::object());
  j["feature_importance"] =
      m.result.value("feature_importance", json::object());
  j["cv_metrics"] = m.result.value("cv_metrics", json::object());
  // The naive baselines on the same test rows, whether the model beats
  // them, and (classification) where its errors are.
  for (const char* key :
       {"baselines", "comparison", "confusion_matrix", "per_class_metrics"}) {
    j[key] = m.result.value(key, json());
  }
  j["training_summary"] = m.result.value("training_summary", json::object());
  j["total_downloads"] = m.total_downloads;
  return j;
}

json PublicModelDetailJson(const StudioModel& m) {
  const json full = ModelDetailJson(m);
  json j = json::object();
  for (const char* key : {"id",
                          "name",
                          "description",
                          "model_type",
                          "algorithm",
                          "status",
                          "is_published",
                          "performance_metrics",
                          "version",
                          "data_source",
                          "target_variable",
                          "features",
                          "backtest_results",
                          "feature_importance",
                          "baselines",
                          "comparison",
                          "confusion_matrix",
                          "per_class_metrics",
                          "created_at",
                          "updated_at"}) {
    if (full.contains(key)) j[key] = full[key];
  }
  j["access"] = "subscriber";
  return j;
}

std::string PlotUrl(const std::string& model_id, const std::string& plot) {
  return "/api/ai-studio/models/" + model_id + "/plots/" + plot + ".png";
}

std::string PlotPath(const std::string& model_id, const std::string& plot) {
  return "plots/studio/" + model_id + "/" + plot + ".png";
}

}  // namespace trainyard::studio
