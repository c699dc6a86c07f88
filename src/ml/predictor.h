// Turning model outputs into AI Studio predictions: class label with
// confidence (max class probability) or a predicted return, optionally with
// SHAP feature contributions; and building an input row from the named
// feature values a client sends to predict/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ml/calendar.h"
#include "ml/ohlcv.h"
#include "ml/shap.h"
#include "ml/xgb_model.h"

namespace trainyard::ml {

struct Prediction {
  // "BUY" / "HOLD" / "SELL" for CLASSIFICATION; empty otherwise.
  std::string label;
  // Class index for CLASSIFICATION; else the predicted forward return
  // (TIME_SERIES: the next-period return; forecast close = close * (1+value)).
  double value = 0;
  // Max class probability for CLASSIFICATION; NaN otherwise (no calibrated
  // confidence for regression; render as null).
  double confidence = 0;
  std::vector<double> probabilities;  // SELL, HOLD, BUY (CLASSIFICATION)
  std::optional<RowExplanation> explanation;  // when SHAP was requested
};

// Predicts every row of x; with_shap adds the explanation of each row
// (computed with `method`, of `explain_class` or with -1 the predicted
// class; see ExplainRows). Errors from the model (shape mismatch, XGBoost
// failure) are returned.
Result<std::vector<Prediction>> PredictRows(
    const XgbModel& model, MatrixView x, bool with_shap,
    ContributionMethod method = ContributionMethod::kTreeShap,
    int explain_class = -1);

// A prediction for one symbol-day computed from stored prices.
struct ScoredRow {
  std::string symbol;
  DayNumber day = 0;
  double close = 0;
  Prediction prediction;
};

// Predicts every bar in [first_day, last_day] of each series, computing the
// inputs with the recipe stored in the model (LoadRecipe); bars whose
// features are still warming up are skipped. Rows come sorted by (day,
// symbol). latest_only keeps only each symbol's last row in the window (the
// "predict from stored data" case). CORRUPTION if the model has no recipe;
// VALIDATION_ERROR if no bar in the window can be scored.
Result<std::vector<ScoredRow>> PredictSeries(
    const XgbModel& model, const std::vector<OhlcvSeries>& series,
    DayNumber first_day, DayNumber last_day, bool latest_only, bool with_shap,
    ContributionMethod method = ContributionMethod::kTreeShap,
    int explain_class = -1);

// One input row for `model` from name -> value. Names must be model inputs
// (else VALIDATION_ERROR listing them, field "features"); inputs not given
// are missing (NaN), which XGBoost routes down each split's default branch.
// At least one input must be given.
Result<std::vector<float>> RowFromFeatureMap(
    const XgbModel& model, const std::map<std::string, double>& values);

}  // namespace trainyard::ml
