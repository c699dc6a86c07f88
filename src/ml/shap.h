// SHAP explanations of XgbModel predictions: per-row feature contributions
// for the predicted class (sorted by magnitude) with the base value, and
// global importance as mean |SHAP|. Values are in margin units (log-odds of
// the class for CLASSIFICATION, the predicted value otherwise).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "ml/xgb_model.h"

namespace trainyard::ml {

struct FeatureContribution {
  std::string feature;
  double value = 0;
};

struct RowExplanation {
  int predicted_class = -1;     // CLASSIFICATION only, else -1
  int explained_class = -1;     // the class whose margin is explained
                                // (CLASSIFICATION only, else -1)
  double base_value = 0;        // expected margin (SHAP bias) of that group
  double prediction_value = 0;  // margin = base_value + sum(contributions)
  double probability = 0;       // class probability (CLASSIFICATION), or
                                // the predicted value otherwise
  // One per model input, sorted by |value| descending (ties: name order).
  std::vector<FeatureContribution> contributions;
};

// Explains every row of x. For CLASSIFICATION the group explained is
// `explain_class` (0..2: SELL, HOLD, BUY), or with -1 each row's predicted
// (argmax-probability) class; ignored otherwise. Errors from the model are
// returned; VALIDATION_ERROR for a class out of range.
Result<std::vector<RowExplanation>> ExplainRows(
    const XgbModel& model, MatrixView x,
    ContributionMethod method = ContributionMethod::kTreeShap,
    int explain_class = -1);

struct GlobalImportance {
  std::vector<std::string> features;  // sorted by mean_abs descending
  std::vector<double> mean_abs;       // mean |SHAP| over rows
  std::vector<double> share;          // mean_abs / sum(mean_abs)
};

// Mean |SHAP| per feature over explanations (as returned by ExplainRows for
// the model's features). REQUIRES: every explanation has the same features.
GlobalImportance ComputeGlobalImportance(
    const std::vector<RowExplanation>& rows);

// Inputs of RenderShapSummaryPng (importance_plot.h) for explained rows:
// features ordered by global importance, and rows x features matrices of
// SHAP values and the matching input values.
struct ShapSummaryData {
  std::vector<std::string> features;
  std::vector<float> shap;
  std::vector<float> values;
};

// REQUIRES: rows[i] explains row i of x, whose columns are `names`.
ShapSummaryData MakeShapSummaryData(const std::vector<RowExplanation>& rows,
                                    MatrixView x,
                                    const std::vector<std::string>& names);

}  // namespace trainyard::ml
