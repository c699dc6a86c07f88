#include "ml/predictor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "ml/dataset.h"
#include "ml/recipe.h"

namespace trainyard::ml {

Result<std::vector<Prediction>> PredictRows(const XgbModel& model, MatrixView x,
                                            bool with_shap,
                                            ContributionMethod method,
                                            int explain_class) {
  TY_ASSIGN_OR_RETURN(const std::vector<float> out, model.Predict(x));
  std::vector<RowExplanation> explanations;
  if (with_shap) {
    TY_ASSIGN_OR_RETURN(explanations,
                        ExplainRows(model, x, method, explain_class));
  }
  const bool classify = model.type() == ModelType::kClassification;
  std::vector<Prediction> preds(x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    Prediction& p = preds[r];
    if (classify) {
      const float* probs = &out[r * kNumSignals];
      p.probabilities.assign(probs, probs + kNumSignals);
      const int c = static_cast<int>(
          std::max_element(probs, probs + kNumSignals) - probs);
      p.label = SignalName(c);
      p.value = c;
      p.confidence = probs[c];
    } else {
      p.value = out[r];
      p.confidence = std::numeric_limits<double>::quiet_NaN();
    }
    if (with_shap) p.explanation = std::move(explanations[r]);
  }
  return preds;
}

Result<std::vector<ScoredRow>> PredictSeries(
    const XgbModel& model, const std::vector<OhlcvSeries>& series,
    DayNumber first_day, DayNumber last_day, bool latest_only, bool with_shap,
    ContributionMethod method, int explain_class) {
  TY_ASSIGN_OR_RETURN(const ModelRecipe recipe, LoadRecipe(model));
  DatasetSpec spec{recipe.features, recipe.target, first_day, last_day, false};
  TY_ASSIGN_OR_RETURN(Dataset data, BuildDataset(series, spec));
  if (latest_only) {
    // Rows are sorted by day, so the last row of each symbol wins.
    std::map<int, size_t> last;
    for (size_t i = 0; i < data.rows(); ++i) last[data.info[i].symbol] = i;
    std::vector<size_t> keep;
    for (const auto& [symbol, i] : last) keep.push_back(i);
    std::sort(keep.begin(), keep.end());
    data = data.Subset(keep);
  }
  TY_ASSIGN_OR_RETURN(
      std::vector<Prediction> preds,
      PredictRows(model, {data.x.data(), data.rows(), data.num_features},
                  with_shap, method, explain_class));
  std::vector<ScoredRow> out(data.rows());
  for (size_t i = 0; i < data.rows(); ++i) {
    out[i].symbol = data.symbols[data.info[i].symbol];
    out[i].day = data.info[i].day;
    out[i].close = data.info[i].close;
    out[i].prediction = std::move(preds[i]);
  }
  return out;
}

Result<std::vector<float>> RowFromFeatureMap(
    const XgbModel& model, const std::map<std::string, double>& values) {
  const auto& names = model.feature_names();
  std::vector<float> row(names.size(), std::numeric_limits<float>::quiet_NaN());
  std::string valid;
  for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
  if (values.empty()) {
    return ValidationError("no feature values given",
                           {{"features", "model inputs: " + valid}});
  }
  std::vector<FieldError> problems;
  for (const auto& [name, value] : values) {
    size_t i = 0;
    while (i < names.size() && names[i] != name) ++i;
    if (i == names.size()) {
      problems.push_back({"features", "'" + name +
                                          "' is not an input of this model; "
                                          "model inputs: " +
                                          valid});
    } else if (!std::isfinite(value)) {
      problems.push_back(
          {"features", "'" + name + "' must be a finite number"});
    } else {
      row[i] = static_cast<float>(value);
    }
  }
  if (!problems.empty()) {
    std::string message = "invalid feature values: " + problems[0].message;
    return ValidationError(std::move(message), std::move(problems));
  }
  return row;
}

}  // namespace trainyard::ml
