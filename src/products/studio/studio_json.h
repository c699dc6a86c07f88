// JSON views of AI Studio rows as studio-api.md shows them: models (list
// item and detail), money as "12.34" strings, times as UTC ISO-8601 and
// undefined metrics (NaN) as null.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "products/studio/model_repository.h"

namespace trainyard::studio {

// The number, or null when it is NaN or infinite.
nlohmann::json JsonNumber(double value);
// "2025-01-15T10:30:00Z".
std::string IsoTime(int64_t unix_ms);
// Rounds to 4 decimals for display (figures are measured, not invented).
double Round4(double value);

// `values` (hyperparameter name -> number) with the integer ones
// (ml::IsIntegerHyperparameter) written as integers — 8, not 8.0 — however
// they were stored; other members as they are. Not an object -> {}.
nlohmann::json TypedHyperparameters(const nlohmann::json& values);

// GET models/ item.
nlohmann::json ModelSummaryJson(const StudioModel& model);
// GET models/{id}/.
nlohmann::json ModelDetailJson(const StudioModel& model);
// GET models/{id}/ for a subscriber: what the listing sells them to judge
// the model by (metrics, backtest, baselines, importance, inputs), without
// the owner's configuration (hyperparameters, training_config), earnings
// or training details. Marked "access": "subscriber".
nlohmann::json PublicModelDetailJson(const StudioModel& model);

// The URL path of a model's plot ("feature-importance" or "shap-summary").
std::string PlotUrl(const std::string& model_id, const std::string& plot);
// Data-directory-relative path of the stored plot PNG.
std::string PlotPath(const std::string& model_id, const std::string& plot);

}  // namespace trainyard::studio
