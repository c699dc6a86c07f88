#include "ml/shap.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "ml/metrics.h"

namespace trainyard::ml {

Result<std::vector<RowExplanation>> ExplainRows(const XgbModel& model,
                                                MatrixView x,
                                                ContributionMethod method) {
  TY_ASSIGN_OR_RETURN(const Contributions c,
                      model.PredictContributions(x, method));
  TY_ASSIGN_OR_RETURN(const std::vector<float> pred, model.Predict(x));
  const bool classify = model.type() == ModelType::kClassification;
  const std::vector<int> classes =
      classify ? ArgMax(pred, kNumSignals) : std::vector<int>(x.rows, 0);
  std::vector<RowExplanation> out(x.rows);
  for (size_t r = 0; r < x.rows; ++r) {
    RowExplanation& e = out[r];
    const size_t g = classes[r];
    e.predicted_class = classify ? classes[r] : -1;
    e.base_value = c.bias(r, g);
    e.probability = classify ? pred[r * kNumSignals + g] : pred[r];
    double margin = e.base_value;
    for (size_t f = 0; f < c.features; ++f) {
      e.contributions.push_back({model.feature_names()[f], c.at(r, g, f)});
      margin += c.at(r, g, f);
    }
    e.prediction_value = margin;
    std::sort(e.contributions.begin(), e.contributions.end(),
              [](const FeatureContribution& a, const FeatureContribution& b) {
                const double ma = std::fabs(a.value), mb = std::fabs(b.value);
                return ma != mb ? ma > mb : a.feature < b.feature;
              });
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
