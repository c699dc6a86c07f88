// PNG charts for the feature-importance endpoint, drawn with cairo: a
// horizontal bar chart of importances and a SHAP summary (beeswarm) plot.
// Both return the PNG bytes, which the server stores and serves.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::ml {

struct BarItem {
  std::string label;
  double value = 0;  // >= 0; bars are drawn in the order given
};

// Horizontal bar chart: `title` on top, one labelled bar per item with its
// value printed at the bar's end (3 decimals), x axis from 0 to the largest
// value. Returns PNG bytes, or VALIDATION_ERROR for no items / a negative or
// non-finite value, INTERNAL_ERROR if cairo fails.
Result<std::string> RenderBarChartPng(const std::string& title,
                                      const std::vector<BarItem>& items);

// SHAP summary plot: one row per feature (in the order given, most
// important first); each dot is one sample at x = its SHAP value, coloured
// from blue (low feature value) to red (high) by the feature value's rank
// within that feature; a vertical line marks 0.
// shap and values are rows x features.size(), row-major.
// Returns PNG bytes, or VALIDATION_ERROR on shape mismatch / no rows.
Result<std::string> RenderShapSummaryPng(
    const std::string& title, const std::vector<std::string>& features,
    const std::vector<float>& shap, const std::vector<float>& values);

}  // namespace trainyard::ml
