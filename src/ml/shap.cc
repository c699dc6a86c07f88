#include "ml/shap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "ml/flat_forest.h"
#include "ml/metrics.h"

namespace trainyard::ml {

namespace {

// Fills e from one group's SHAP values (features, then the bias).
void FillExplanation(const std::vector<std::string>& names, const float* phi,
                     RowExplanation* e) {
  const size_t n = names.size();
  e->base_value = phi[n];
  double margin = e->base_value;
  e->contributions.reserve(n);
  for (size_t f = 0; f < n; ++f) {
    e->contributions.push_back({names[f], phi[f]});
    margin += phi[f];
  }
  e->prediction_value = margin;
  std::sort(e->contributions.begin(), e->contributions.end(),
            [](const FeatureContribution& a, const FeatureContribution& b) {
              const double ma = std::fabs(a.value), mb = std::fabs(b.value);
              return ma != mb ? ma > mb : a.feature < b.feature;
            });
}

}  // namespace

Result<std::vector<RowExplanation>> ExplainRows(const XgbModel& model,
                                                MatrixView x,
                                                ContributionMethod method,
                                                int explain_class) {
  const bool classify = model.type() == ModelType::kClassification;
  if (classify && (explain_class < -1 || explain_class >= kNumSignals)) {
    return ValidationError("invalid class to explain",
                           {{"class", "must be SELL, HOLD or BUY"}});
  }
  TY_ASSIGN_OR_RETURN(const std::vector<float> pred, model.Predict(x));
  const std::vector<int> predicted =
      classify ? ArgMax(pred, kNumSignals) : std::vector<int>(x.rows, 0);
  // The group whose margin each row's SHAP values explain.
  std::vector<int> classes = predicted;
  if (classify && explain_class >= 0) {
    std::fill(classes.begin(), classes.end(), explain_class);
  }
  std::vector<RowExplanation> out(x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    out[r].predicted_class = classify ? predicted[r] : -1;
    out[r].explained_class = classify ? classes[r] : -1;
    out[r].probability =
        classify ? pred[r * kNumSignals + classes[r]] : pred[r];
  }
  // Exact TreeSHAP of the explained group only, on the flattened trees
  // (same values as XGBoost's pred_contribs, several times faster); the
  // booster answers when the model could not be flattened.
  const FlatForest* flat = model.flat_forest();
  if (method == ContributionMethod::kTreeShap && flat != nullptr &&
      flat->explainable()) {
    std::vector<float> phi(x.cols + 1);
    for (size_t r = 0; r < x.rows; ++r) {
      flat->ShapValues(x.data + r * x.cols, classes[r], phi.data());
      FillExplanation(model.feature_names(), phi.data(), &out[r]);
    }
    return out;
  }
  TY_ASSIGN_OR_RETURN(const Contributions c,
                      model.PredictContributions(x, method));
  std::vector<float> phi(c.features + 1);
  for (size_t r = 0; r < x.rows; ++r) {
    for (size_t f = 0; f <= c.features; ++f) phi[f] = c.at(r, classes[r], f);
    FillExplanation(model.feature_names(), phi.data(), &out[r]);
  }
  return out;
}

GlobalImportance ComputeGlobalImportance(
    const std::vector<RowExplanation>& rows) {
  std::map<std::string, double> sums;
  for (const auto& row : rows) {
    for (const auto& c : row.contributions)
      sums[c.feature] += std::fabs(c.value);
  }
  GlobalImportance out;
  double total = 0;
  std::vector<std::pair<std::string, double>> items(sums.begin(), sums.end());
  for (auto& [name, sum] : items) {
    sum /= rows.empty() ? 1 : rows.size();
    total += sum;
  }
  std::stable_sort(
      items.begin(), items.end(),
      [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [name, mean] : items) {
    out.features.push_back(name);
    out.mean_abs.push_back(mean);
    out.share.push_back(total > 0 ? mean / total : 0.0);
  }
  return out;
}

ShapSummaryData MakeShapSummaryData(const std::vector<RowExplanation>& rows,
                                    MatrixView x,
                                    const std::vector<std::string>& names) {
  ShapSummaryData out;
  out.features = ComputeGlobalImportance(rows).features;
  std::vector<size_t> column;
  for (const auto& f : out.features) {
    column.push_back(std::find(names.begin(), names.end(), f) - names.begin());
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    std::map<std::string, double> by_name;
    for (const auto& c : rows[r].contributions) by_name[c.feature] = c.value;
    for (size_t k = 0; k < out.features.size(); ++k) {
      out.shap.push_back(static_cast<float>(by_name[out.features[k]]));
      out.values.push_back(x.data[r * x.cols + column[k]]);
    }
  }
  return out;
}

}  // namespace trainyard::ml
