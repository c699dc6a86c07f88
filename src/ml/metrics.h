// Evaluation metrics for AI Studio models, with the exact definitions used
// in docs/ai-studio-models.md: classification (accuracy, macro precision /
// recall / F1, one-vs-rest macro ROC AUC) and regression (RMSE, MAE, R²,
// directional accuracy).
#pragma once

#include <vector>

namespace trainyard::ml {

struct ClassificationMetrics {
  double accuracy = 0;
  // Macro averages over the classes that occur in y_true or in the
  // predictions; a class with no predictions has precision 0 (likewise
  // recall for no true rows), as scikit-learn's zero_division=0.
  double precision = 0;
  double recall = 0;
  double f1 = 0;  // mean of per-class F1 (not F1 of the macro P and R)
  // Mean over classes present in y_true with both positives and negatives
  // of the one-vs-rest AUC of that class's probability (Mann-Whitney U with
  // ties counted 1/2). NaN if no class qualifies.
  double roc_auc = 0;
  double log_loss = 0;  // mean -log(max(p_true, 1e-15))
};

// y_true: class index per row in [0, classes). proba: rows x classes.
// REQUIRES: proba.size() == y_true.size() * classes, y_true non-empty.
ClassificationMetrics ComputeClassificationMetrics(
    const std::vector<float>& y_true, const std::vector<float>& proba,
    int classes);

// The argmax class of each row of proba (first on ties).
std::vector<int> ArgMax(const std::vector<float>& proba, int classes);

// One-vs-rest AUC of `scores` for positives (labels true). NaN if all rows
// have the same label.
double BinaryRocAuc(const std::vector<bool>& positive,
                    const std::vector<double>& scores);

struct RegressionMetrics {
  double rmse = 0;
  double mae = 0;
  double r2 = 0;  // 1 - SS_res / SS_tot; NaN if y_true is constant
  // Share of rows with sign(prediction) == sign(actual); rows whose actual
  // value is exactly 0 are left out. NaN if none remain.
  double directional_accuracy = 0;
};

// REQUIRES: same non-zero length.
RegressionMetrics ComputeRegressionMetrics(const std::vector<float>& y_true,
                                           const std::vector<float>& y_pred);

}  // namespace trainyard::ml
