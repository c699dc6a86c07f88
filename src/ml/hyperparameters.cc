#include "ml/hyperparameters.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace trainyard::ml {
namespace {

struct Spec {
  const char* name;
  double min, max;  // inclusive range
  bool min_exclusive;
  bool integer;
  double rf_default, gb_default;
  bool rf, gb;  // applies to RANDOM_FOREST / GRADIENT_BOOSTING
};

// Largest per-sample hessian of the softmax loss, p(1 - p) <= 1/4; the
// squared-error hessian is 1. Scales sample counts into min_child_weight.
double MaxHessian(ModelType type) {
  return type == ModelType::kClassification ? 0.25 : 1.0;
}

const std::vector<Spec>& Specs() {
  static const std::vector<Spec> kSpecs = {
      {"n_estimators", 1, 2000, false, true, 100, 100, true, true},
      {"max_depth", 1, 20, false, true, 8, 6, true, true},
      {"learning_rate", 0, 1, true, false, 1, 0.1, false, true},
      {"subsample", 0, 1, true, false, 0.8, 1, true, true},
      {"max_features", 0, 1, true, false, 0.8, 1, true, true},
      {"colsample_bytree", 0, 1, true, false, 1, 1, true, true},
      {"min_samples_split", 2, 1e6, false, true, 2, 2, true, true},
      {"min_samples_leaf", 1, 1e6, false, true, 1, 1, true, true},
      {"min_child_weight", 0, 1e6, false, false, 1, 1, true, true},
      {"reg_lambda", 0, 1e6, false, false, 1, 1, true, true},
      {"reg_alpha", 0, 1e6, false, false, 0, 0, true, true},
      {"gamma", 0, 1e6, false, false, 0, 0, true, true},
      {"random_state", 0, 2147483647, false, true, 0, 0, true, true},
  };
  return kSpecs;
}

bool Applies(const Spec& s, Algorithm a) {
  return a == Algorithm::kRandomForest ? s.rf : s.gb;
}

std::string Fmt(double v) {
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Empty when ok, else the problem with `value` for `s`.
std::string CheckValue(const Spec& s, double value) {
  const bool below = s.min_exclusive ? value <= s.min : value < s.min;
  if (!std::isfinite(value) || below || value > s.max) {
    return std::string("must be ") + (s.integer ? "an integer " : "a number ") +
           "in " + (s.min_exclusive ? "(" : "[") + Fmt(s.min) + ", " +
           Fmt(s.max) + "]";
  }
  if (s.integer && value != std::floor(value)) {
    return "must be an integer";
  }
  return "";
}

}  // namespace

bool IsIntegerHyperparameter(const std::string& name) {
  for (const Spec& s : Specs()) {
    if (name == s.name) return s.integer;
  }
  return false;
}

const char* AlgorithmName(Algorithm algorithm) {
  return algorithm == Algorithm::kRandomForest ? "RANDOM_FOREST"
                                               : "GRADIENT_BOOSTING";
}

Result<Algorithm> ParseAlgorithm(const std::string& name) {
  if (name == "RANDOM_FOREST") return Algorithm::kRandomForest;
  if (name == "GRADIENT_BOOSTING") return Algorithm::kGradientBoosting;
  return ValidationError(
      "unknown algorithm '" + name + "'",
      {{"algorithm", "must be one of RANDOM_FOREST, GRADIENT_BOOSTING"}});
}

std::vector<std::string> HyperparameterNames(Algorithm algorithm) {
  std::vector<std::string> names;
  for (const Spec& s : Specs()) {
    if (Applies(s, algorithm)) names.push_back(s.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<BoosterConfig> MapHyperparameters(
    Algorithm algorithm, ModelType type,
    const std::map<std::string, double>& given, int threads) {
  std::vector<FieldError> problems;
  const bool rf = algorithm == Algorithm::kRandomForest;
  for (const auto& [name, value] : given) {
    auto it = std::find_if(Specs().begin(), Specs().end(),
                           [&](const Spec& s) { return name == s.name; });
    if (it == Specs().end()) {
      problems.push_back(
          {"hyperparameters", "Unknown parameter '" + name + "'; valid for " +
                                  AlgorithmName(algorithm) + ": " +
                                  Join(HyperparameterNames(algorithm))});
    } else if (!Applies(*it, algorithm)) {
      problems.push_back({"hyperparameters", "Parameter '" + name +
                                                 "' does not apply to " +
                                                 AlgorithmName(algorithm)});
    } else if (std::string why = CheckValue(*it, value); !why.empty()) {
      problems.push_back(
          {"hyperparameters", "Invalid parameter '" + name + "': " + why});
    }
  }
  if (!problems.empty()) {
    std::string message = "invalid hyperparameters: " + problems[0].message;
    return ValidationError(std::move(message), std::move(problems));
  }
  BoosterConfig cfg;
  for (const Spec& s : Specs()) {
    if (!Applies(s, algorithm)) continue;
    auto it = given.find(s.name);
    cfg.effective[s.name] =
        it != given.end() ? it->second : (rf ? s.rf_default : s.gb_default);
  }
  auto& e = cfg.effective;
  // A child needs hessian >= min_child_weight. With per-sample hessian at
  // most h, min_child_weight = h * min_samples_split / 2 makes every node of
  // fewer than min_samples_split samples unsplittable (both children would
  // need >= min_samples_split / 2 samples), and h * min_samples_leaf keeps
  // leaves at >= min_samples_leaf samples. XGBoost's own min_child_weight
  // (default 1) is a lower bound on top.
  const double h = MaxHessian(type);
  const double mcw =
      std::max({e["min_child_weight"], h * e["min_samples_split"] / 2.0,
                h * e["min_samples_leaf"]});
  auto set = [&](const char* k, const std::string& v) {
    cfg.params.emplace_back(k, v);
  };
  set("booster", "gbtree");
  set("tree_method", "hist");
  // 32 histogram bins per feature instead of XGBoost's 256: split search
  // dominates on our few-thousand-row daily datasets, 32 bins train ~3x
  // faster than 256 (~1.3x faster than 64), and the coarser thresholds were
  // as accurate or more on the real S&P 500 and on 5 symbols x 10 years
  // (measurements in docs/ai-studio-models.md).
  set("max_bin", "32");
  set("nthread", std::to_string(threads > 0 ? threads : 0));
  if (type == ModelType::kClassification) {
    set("objective", "multi:softprob");
    set("num_class", std::to_string(kNumSignals));
    set("eval_metric", "mlogloss");
  } else {
    set("objective", "reg:squarederror");
    set("eval_metric", "rmse");
  }
  set("max_depth", Fmt(e["max_depth"]));
  set("subsample", Fmt(e["subsample"]));
  set("colsample_bytree", Fmt(e["colsample_bytree"]));
  set("colsample_bynode", Fmt(e["max_features"]));
  set("min_child_weight", Fmt(mcw));
  set("lambda", Fmt(e["reg_lambda"]));
  set("alpha", Fmt(e["reg_alpha"]));
  set("gamma", Fmt(e["gamma"]));
  set("seed", Fmt(e["random_state"]));
  if (rf) {
    set("num_parallel_tree", Fmt(e["n_estimators"]));
    set("eta", "1");
    cfg.rounds = 1;
  } else {
    set("eta", Fmt(e["learning_rate"]));
    cfg.rounds = static_cast<int>(e["n_estimators"]);
  }
  return cfg;
}

}  // namespace trainyard::ml
