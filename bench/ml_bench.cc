// AI Studio engine benchmark on real prices (S&P 500 2000-2020, fetched by
// scripts/fetch-datasets.sh): training time of RANDOM_FOREST and
// GRADIENT_BOOSTING on ~5000 rows x 10 features, batch prediction rows/s,
// single-row predict latency (p50/p99, with SHAP), SHAP rows/s.
// Baseline, measured in the same run: the same models trained with 1 XGBoost
// thread versus all cores (std::thread::hardware_concurrency()).
// Optionally writes the model's feature-importance and SHAP summary PNGs.
//
// Usage: ml_bench <sp500-2000.csv> [--plots DIR] [--export DIR]
//        ml_bench --shap <sp500-2000.csv>
//   --shap: per-row exact TreeSHAP time of our FlatForest path (explained
//   class only) against XGBoost's pred_contribs (all classes), same model
//   (AI Studio's default random forest), same rows, same run; the ratio.
//   --export writes DIR/train.csv and DIR/test.csv (the time-ordered 80/20
//   split used for the accuracy comparison; bench/ml_bench.sh feeds them to
//   scikit-learn).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "ml/dataset.h"
#include "ml/flat_forest.h"
#include "ml/importance_plot.h"
#include "ml/metrics.h"
#include "ml/predictor.h"
#include "ml/shap.h"
#include "ml/synthetic.h"
#include "ml/xgb_model.h"

namespace ml = trainyard::ml;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds used by the process: with 1 XGBoost thread this is what the
// work costs even when other jobs share the cores and stretch wall time.
double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

const std::vector<std::string> kFeatures = {
    "rsi_14",          "macd_signal",       "bollinger_position",
    "volume_ma_ratio", "price_ma_50_ratio", "return_1d",
    "return_5d",       "return_20d",        "volatility_20",
    "atr_14"};

struct TrainTime {
  double wall = 0, cpu = 0;  // medians
};

// Median wall and CPU time of `reps` trainings.
TrainTime TrainSeconds(const ml::Dataset& d, ml::Algorithm algo, int threads,
                       int reps, std::vector<ml::XgbModel>* keep) {
  std::vector<double> times, cpu;
  for (int i = 0; i < reps; ++i) {
    const std::map<std::string, double> hp =
        algo == ml::Algorithm::kRandomForest
            ? std::map<std::string, double>{{"n_estimators", 100},
                                            {"max_depth", 8},
                                            {"random_state", 42}}
            : std::map<std::string, double>{{"n_estimators", 100},
                                            {"max_depth", 6},
                                            {"learning_rate", 0.1}};
    auto cfg = ml::MapHyperparameters(algo, d.type, hp, threads);
    const auto start = Clock::now();
    const double cpu0 = CpuSeconds();
    auto m =
        ml::XgbModel::Train(d.type, d.feature_names,
                            {d.x.data(), d.rows(), d.num_features}, d.y, *cfg);
    times.push_back(Seconds(start));
    cpu.push_back(CpuSeconds() - cpu0);
    if (!m.ok()) {
      std::fprintf(stderr, "train failed: %s\n", m.status().ToString().c_str());
      std::exit(1);
    }
    if (keep != nullptr && i == 0) keep->push_back(std::move(m).value());
  }
  std::sort(times.begin(), times.end());
  std::sort(cpu.begin(), cpu.end());
  return {times[times.size() / 2], cpu[cpu.size() / 2]};
}

// Rows per second of `fn` over all rows, run for about a second.
template <typename Fn>
double RowsPerSecond(size_t rows, Fn fn) {
  const auto start = Clock::now();
  int reps = 0;
  while (Seconds(start) < 1.0) {
    if (!fn()) std::exit(1);
    ++reps;
  }
  return reps * rows / Seconds(start);
}

// p50 and p99 latency in ms of `fn(row)` over 1000 single rows.
template <typename Fn>
std::pair<double, double> Latency(size_t rows, Fn fn) {
  std::vector<double> lat;
  for (size_t i = 0; i < 1000; ++i) {
    const auto t0 = Clock::now();
    if (!fn(i * 7919 % rows)) std::exit(1);
    lat.push_back(Seconds(t0) * 1e3);
  }
  std::sort(lat.begin(), lat.end());
  return {lat[lat.size() / 2], lat[lat.size() * 99 / 100]};
}

void WritePlots(const ml::XgbModel& model, const ml::Dataset& d,
                const std::string& dir) {
  auto gain = model.GainImportance();
  std::vector<ml::BarItem> bars;
  for (size_t i = 0; i < gain->size(); ++i) {
    bars.push_back({d.feature_names[i], (*gain)[i]});
  }
  std::sort(bars.begin(), bars.end(),
            [](const auto& a, const auto& b) { return a.value > b.value; });
  auto png = ml::RenderBarChartPng(
      "SP500 random forest: feature importance (gain)", bars);
  std::FILE* f = std::fopen((dir + "/feature-importance.png").c_str(), "wb");
  if (png.ok() && f) std::fwrite(png->data(), 1, png->size(), f);
  if (f) std::fclose(f);
  // SHAP summary over the last 500 rows, predicted class (BUY/HOLD/SELL).
  const size_t n = std::min<size_t>(500, d.rows());
  const size_t first = d.rows() - n;
  ml::MatrixView view{d.x.data() + first * d.num_features, n, d.num_features};
  auto ex = ml::ExplainRows(model, view);
  const ml::ShapSummaryData data =
      ml::MakeShapSummaryData(*ex, view, d.feature_names);
  auto summary = ml::RenderShapSummaryPng(
      "SP500 random forest: SHAP summary (predicted class)", data.features,
      data.shap, data.values);
  f = std::fopen((dir + "/shap-summary.png").c_str(), "wb");
  if (summary.ok() && f) std::fwrite(summary->data(), 1, summary->size(), f);
  if (f) std::fclose(f);
  std::printf("plots written to %s\n", dir.c_str());
}

void ExportCsv(const ml::Dataset& d, const std::vector<size_t>& rows,
               const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
  for (const auto& name : d.feature_names) std::fprintf(f, "%s,", name.c_str());
  std::fprintf(f, "label\n");
  for (size_t r : rows) {
    for (size_t c = 0; c < d.num_features; ++c) {
      std::fprintf(f, "%.9g,", d.x[r * d.num_features + c]);
    }
    std::fprintf(f, "%d\n", static_cast<int>(d.y[r]));
  }
  std::fclose(f);
}

// The scikit-learn comparison: RF with the same hyperparameters on the
// time-ordered 80/20 split; prints train time and test accuracy.
void SplitComparison(const ml::Dataset& d, const std::string& export_dir) {
  auto split = ml::TimeOrderedSplit(d, 0.8, 5);
  const ml::Dataset train = d.Subset(split->train);
  const ml::Dataset test = d.Subset(split->test);
  std::vector<ml::XgbModel> keep;
  const TrainTime t =
      TrainSeconds(train, ml::Algorithm::kRandomForest, 1, 3, &keep);
  auto p = keep[0].Predict({test.x.data(), test.rows(), test.num_features});
  const double acc = ml::ComputeClassificationMetrics(test.y, *p, 3).accuracy;
  std::printf(
      "split RF (train %zu rows, test %zu rows): train %.3f s wall "
      "(%.3f s CPU), test accuracy %.4f\n",
      train.rows(), test.rows(), t.wall, t.cpu, acc);
  if (export_dir.empty()) return;
  ExportCsv(d, split->train, export_dir + "/train.csv");
  ExportCsv(d, split->test, export_dir + "/test.csv");
  std::printf("exported %s/train.csv and test.csv\n", export_dir.c_str());
}

// bench/studio.sh's half of the scikit-learn comparison: rebuilds the rows
// an AI Studio training job uses (the same series, features, target and
// time-ordered split with embargo, by the same functions ml::TrainModel
// calls) and writes them as DIR/train.csv and DIR/test.csv.
//   ml_bench --studio-export DIR --symbols A,B,... --start YYYY-MM-DD
//            --end YYYY-MM-DD [--imported SYMBOL=CSV ...]
// Symbols without --imported get the studio's synthetic history (from
// 2000-01-03, as src/products/studio/market_data.cc generates it).
int StudioExport(int argc, char** argv) {
  std::string dir, symbols, start, end;
  std::map<std::string, std::string> imported;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--studio-export") dir = value;
    if (key == "--symbols") symbols = value;
    if (key == "--start") start = value;
    if (key == "--end") end = value;
    if (key == "--imported" && value.find('=') != std::string::npos) {
      imported[value.substr(0, value.find('='))] =
          value.substr(value.find('=') + 1);
    }
  }
  auto first = ml::ParseDate(start), last = ml::ParseDate(end);
  if (dir.empty() || symbols.empty() || !first.ok() || !last.ok()) {
    std::fprintf(stderr,
                 "usage: ml_bench --studio-export DIR --symbols A,B --start "
                 "YYYY-MM-DD --end YYYY-MM-DD [--imported SYMBOL=CSV ...]\n");
    return 2;
  }
  const ml::DayNumber today = static_cast<ml::DayNumber>(
      std::chrono::duration_cast<std::chrono::hours>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() /
      24);
  std::vector<ml::OhlcvSeries> series;
  size_t from = 0;
  while (from <= symbols.size()) {
    size_t comma = symbols.find(',', from);
    if (comma == std::string::npos) comma = symbols.size();
    const std::string sym = symbols.substr(from, comma - from);
    from = comma + 1;
    auto it = imported.find(sym);
    auto s = it != imported.end()
                 ? ml::LoadOhlcvCsv(sym, it->second)
                 : ml::GenerateSyntheticOhlcv(sym, *ml::ParseDate("2000-01-03"),
                                              today);
    if (!s.ok()) {
      std::fprintf(stderr, "%s: %s\n", sym.c_str(),
                   s.status().ToString().c_str());
      return 1;
    }
    series.push_back(std::move(*s));
  }
  // AI Studio's defaults: 5-day horizon, 1 % threshold, 80/20 split.
  ml::DatasetSpec spec;
  spec.features = kFeatures;
  spec.target = {ml::ModelType::kClassification, 5, 0.01, 3};
  spec.first_day = *first;
  spec.last_day = *last;
  auto data = ml::BuildDataset(series, spec);
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
    return 1;
  }
  auto split = ml::TimeOrderedSplit(*data, 0.8, spec.target.horizon);
  if (!split.ok()) {
    std::fprintf(stderr, "%s\n", split.status().ToString().c_str());
    return 1;
  }
  ExportCsv(*data, split->train, dir + "/train.csv");
  ExportCsv(*data, split->test, dir + "/test.csv");
  std::printf("exported train %zu rows, test %zu rows, %zu features\n",
              split->train.size(), split->test.size(), data->num_features);
  // The engine alone on the same rows (no server, no job around it).
  const ml::Dataset train = data->Subset(split->train);
  const ml::Dataset test = data->Subset(split->test);
  std::vector<ml::XgbModel> keep;
  const TrainTime t =
      TrainSeconds(train, ml::Algorithm::kRandomForest, 1, 3, &keep);
  auto p = keep[0].Predict({test.x.data(), test.rows(), test.num_features});
  std::printf(
      "engine in-process: fit %.3f s wall (%.3f s CPU, median of 3), "
      "test accuracy %.4f\n",
      t.wall, t.cpu, ml::ComputeClassificationMetrics(test.y, *p, 3).accuracy);
  return 0;
}

}  // namespace

// Per-row SHAP: ours (FlatForest::ShapValues, predicted class only, and
// ExplainRows on a loaded model) vs XGBoost's pred_contribs (every class).
int ShapBench(const ml::Dataset& d) {
  std::vector<ml::XgbModel> models;
  TrainSeconds(d, ml::Algorithm::kRandomForest, 1, 1, &models);
  auto json = models[0].Serialize();
  auto loaded = ml::XgbModel::Deserialize(*json);
  if (!json.ok() || !loaded.ok() || loaded->flat_forest() == nullptr ||
      !loaded->flat_forest()->explainable()) {
    std::fprintf(stderr, "model could not be flattened for SHAP\n");
    return 1;
  }
  const ml::XgbModel& xgb = models[0];  // not flattened: booster answers
  const ml::FlatForest& flat = *loaded->flat_forest();
  const size_t nf = d.num_features, rows = std::min<size_t>(d.rows(), 1000);
  auto row = [&](size_t r) {
    return ml::MatrixView{d.x.data() + r * nf, 1, nf};
  };
  auto pred = loaded->Predict({d.x.data(), rows, nf});
  std::vector<int> cls = ml::ArgMax(*pred, ml::kNumSignals);
  // Median and p99 over `rows` single-row calls of fn(r), in ms; 2 passes,
  // the second timed.
  auto per_row = [&](auto fn) {
    std::vector<double> lat;
    for (int pass = 0; pass < 2; ++pass) {
      lat.clear();
      for (size_t r = 0; r < rows; ++r) {
        const auto t0 = Clock::now();
        if (!fn(r)) std::exit(1);
        lat.push_back(Seconds(t0) * 1e3);
      }
    }
    std::sort(lat.begin(), lat.end());
    return std::pair{lat[lat.size() / 2], lat[lat.size() * 99 / 100]};
  };
  std::vector<float> phi(nf + 1);
  const auto ours = per_row([&](size_t r) {
    flat.ShapValues(d.x.data() + r * nf, cls[r], phi.data());
    return true;
  });
  const auto theirs =
      per_row([&](size_t r) { return xgb.PredictContributions(row(r)).ok(); });
  const auto explain_ours =
      per_row([&](size_t r) { return ml::ExplainRows(*loaded, row(r)).ok(); });
  const auto explain_xgb =
      per_row([&](size_t r) { return ml::ExplainRows(xgb, row(r)).ok(); });
  // Agreement on these rows (max |ours - XGBoost| over the explained class).
  double max_diff = 0;
  for (size_t r = 0; r < rows; r += 10) {
    flat.ShapValues(d.x.data() + r * nf, cls[r], phi.data());
    auto c = xgb.PredictContributions(row(r));
    for (size_t k = 0; k <= nf; ++k) {
      max_diff =
          std::max<double>(max_diff, std::fabs(phi[k] - c->at(0, cls[r], k)));
    }
  }
  std::printf(
      "model: RANDOM_FOREST 100 trees x 3 classes, max_depth 8, %zu "
      "features; %zu single rows\n",
      nf, rows);
  std::printf(
      "TreeSHAP per row p50/p99 ms: ours (FlatForest, predicted class) "
      "%.3f/%.3f   XGBoost pred_contribs (3 classes) %.3f/%.3f   "
      "ratio (p50) x%.1f\n",
      ours.first, ours.second, theirs.first, theirs.second,
      theirs.first / ours.first);
  std::printf(
      "ExplainRows per row p50/p99 ms: loaded model (ours) %.3f/%.3f   "
      "booster (XGBoost) %.3f/%.3f   ratio (p50) x%.1f\n",
      explain_ours.first, explain_ours.second, explain_xgb.first,
      explain_xgb.second, explain_xgb.first / explain_ours.first);
  std::printf("max |ours - XGBoost| over %zu rows: %.3g\n", rows / 10,
              max_diff);
  return 0;
}

int main(int argc, char** argv) {
  // Line-buffered so progress shows through pipes (bench/ml_bench.sh | tee).
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc > 1 && std::strcmp(argv[1], "--studio-export") == 0) {
    return StudioExport(argc, argv);
  }
  const bool shap_only = argc == 3 && std::strcmp(argv[1], "--shap") == 0;
  if (shap_only) {
    ++argv;
    --argc;
  }
  std::string plot_dir, export_dir;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--plots") == 0) plot_dir = argv[i + 1];
    if (std::strcmp(argv[i], "--export") == 0) export_dir = argv[i + 1];
  }
  if (argc < 2 || argc % 2 != 0) {
    std::fprintf(stderr,
                 "usage: %s <sp500-2000.csv> [--plots DIR] [--export DIR]\n",
                 argv[0]);
    return 2;
  }
  auto series = ml::LoadOhlcvCsv("SP500", argv[1]);
  if (!series.ok()) {
    std::fprintf(stderr, "%s\n", series.status().ToString().c_str());
    return 1;
  }
  ml::DatasetSpec spec;
  spec.features = kFeatures;
  spec.target = {ml::ModelType::kClassification, 5, 0.01, 1};
  spec.first_day = series->days.front();
  spec.last_day = series->days.back();
  auto data = ml::BuildDataset({*series}, spec);
  if (!data.ok()) {
    std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
    return 1;
  }
  const ml::Dataset& d = *data;
  if (shap_only) return ShapBench(d);
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("data: SP500 (imported, real prices), %zu rows x %zu features\n",
              d.rows(), d.num_features);
  std::printf("baseline: the same model trained with 1 thread vs %d threads\n",
              cores);
  std::vector<ml::XgbModel> models;
  for (auto algo :
       {ml::Algorithm::kRandomForest, ml::Algorithm::kGradientBoosting}) {
    const TrainTime one = TrainSeconds(d, algo, 1, 3, &models);
    const TrainTime all = TrainSeconds(d, algo, cores, 1, nullptr);
    std::printf(
        "train %-17s 1 thread: %6.3f s wall (%6.3f s CPU)   "
        "%d threads: %6.3f s wall   speed-up x%.2f\n",
        ml::AlgorithmName(algo), one.wall, one.cpu, cores, all.wall,
        one.wall / all.wall);
  }
  std::printf(
      "(RF: 100 trees x 3 classes, max_depth 8; GB: 100 rounds x 3 "
      "classes, max_depth 6)\n");
  for (size_t k = 0; k < models.size(); ++k) {
    const ml::XgbModel& m = models[k];
    const char* name = k == 0 ? "RF" : "GB";
    const ml::MatrixView all_rows{d.x.data(), d.rows(), d.num_features};
    auto row = [&](size_t r) {
      return ml::MatrixView{d.x.data() + r * d.num_features, 1, d.num_features};
    };
    std::printf(
        "%s batch predict: %.0f rows/s   exact TreeSHAP: %.0f rows/s   "
        "Saabas: %.0f rows/s\n",
        name, RowsPerSecond(d.rows(), [&] { return m.Predict(all_rows).ok(); }),
        RowsPerSecond(d.rows(),
                      [&] { return m.PredictContributions(all_rows).ok(); }),
        RowsPerSecond(d.rows(), [&] {
          return m
              .PredictContributions(all_rows, ml::ContributionMethod::kSaabas)
              .ok();
        }));
    const auto plain = Latency(d.rows(), [&](size_t r) {
      return ml::PredictRows(m, row(r), false).ok();
    });
    const auto exact = Latency(d.rows(), [&](size_t r) {
      return ml::PredictRows(m, row(r), true).ok();
    });
    const auto saabas = Latency(d.rows(), [&](size_t r) {
      return ml::PredictRows(m, row(r), true, ml::ContributionMethod::kSaabas)
          .ok();
    });
    std::printf(
        "%s single-row predict p50/p99 ms: %.3f/%.3f   +TreeSHAP: "
        "%.3f/%.3f   +Saabas: %.3f/%.3f\n",
        name, plain.first, plain.second, exact.first, exact.second,
        saabas.first, saabas.second);
  }
  const ml::XgbModel& rf = models[0];
  SplitComparison(d, export_dir);
  if (!plot_dir.empty()) WritePlots(rf, d, plot_dir);
  return 0;
}
