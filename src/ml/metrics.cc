#include "ml/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace trainyard::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double SafeDiv(double a, double b) { return b > 0 ? a / b : 0.0; }

}  // namespace

std::vector<int> ArgMax(const std::vector<float>& proba, int classes) {
  const size_t rows = proba.size() / classes;
  std::vector<int> out(rows);
  for (size_t r = 0; r < rows; ++r) {
    const float* p = &proba[r * classes];
    out[r] = static_cast<int>(std::max_element(p, p + classes) - p);
  }
  return out;
}

double BinaryRocAuc(const std::vector<bool>& positive,
                    const std::vector<double>& scores) {
  const size_t n = scores.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Average ranks (1-based) over tie groups.
  std::vector<double> rank(n);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) ++j;
    const double avg = (i + j) / 2.0 + 1.0;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = avg;
    i = j + 1;
  }
  double pos = 0, rank_sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (positive[i]) {
      pos += 1;
      rank_sum += rank[i];
    }
  }
  const double neg = n - pos;
  if (pos == 0 || neg == 0) return kNaN;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

ClassificationMetrics ComputeClassificationMetrics(
    const std::vector<float>& y_true, const std::vector<float>& proba,
    int classes) {
  const size_t n = y_true.size();
  const std::vector<int> pred = ArgMax(proba, classes);
  std::vector<double> tp(classes, 0), pred_count(classes, 0),
      true_count(classes, 0);
  ClassificationMetrics m;
  for (size_t i = 0; i < n; ++i) {
    const int t = static_cast<int>(y_true[i]);
    true_count[t] += 1;
    pred_count[pred[i]] += 1;
    if (pred[i] == t) tp[t] += 1;
    const double pt = proba[i * classes + t];
    m.log_loss -= std::log(std::max(pt, 1e-15));
  }
  m.log_loss /= n;
  m.accuracy = std::accumulate(tp.begin(), tp.end(), 0.0) / n;
  int present = 0;
  for (int c = 0; c < classes; ++c) {
    if (true_count[c] == 0 && pred_count[c] == 0) continue;
    ++present;
    const double p = SafeDiv(tp[c], pred_count[c]);
    const double r = SafeDiv(tp[c], true_count[c]);
    m.precision += p;
    m.recall += r;
    m.f1 += SafeDiv(2 * p * r, p + r);
  }
  m.precision /= present;
  m.recall /= present;
  m.f1 /= present;
  double auc_sum = 0;
  int auc_count = 0;
  for (int c = 0; c < classes; ++c) {
    std::vector<bool> positive(n);
    std::vector<double> scores(n);
    for (size_t i = 0; i < n; ++i) {
      positive[i] = static_cast<int>(y_true[i]) == c;
      scores[i] = proba[i * classes + c];
    }
    const double auc = BinaryRocAuc(positive, scores);
    if (!std::isnan(auc)) {
      auc_sum += auc;
      ++auc_count;
    }
  }
  m.roc_auc = auc_count > 0 ? auc_sum / auc_count : kNaN;
  return m;
}

RegressionMetrics ComputeRegressionMetrics(const std::vector<float>& y_true,
                                           const std::vector<float>& y_pred) {
  const size_t n = y_true.size();
  double mean = 0;
  for (float v : y_true) mean += v;
  mean /= n;
  double se = 0, ae = 0, ss_tot = 0, hits = 0, counted = 0;
  for (size_t i = 0; i < n; ++i) {
    const double e = static_cast<double>(y_pred[i]) - y_true[i];
    se += e * e;
    ae += std::fabs(e);
    ss_tot += (y_true[i] - mean) * (y_true[i] - mean);
    if (y_true[i] != 0) {
      counted += 1;
      if ((y_pred[i] > 0) == (y_true[i] > 0) && y_pred[i] != 0) hits += 1;
    }
  }
  RegressionMetrics m;
  m.rmse = std::sqrt(se / n);
  m.mae = ae / n;
  m.r2 = ss_tot > 0 ? 1.0 - se / ss_tot : kNaN;
  m.directional_accuracy = counted > 0 ? hits / counted : kNaN;
  return m;
}

}  // namespace trainyard::ml
