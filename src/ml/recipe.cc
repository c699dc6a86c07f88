#include "ml/recipe.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include "ml/features.h"

namespace trainyard::ml {
namespace {

constexpr char kRecipeAttr[] = "recipe";

Status Corrupt(const std::string& why) {
  return Status(ErrorCode::kCorruption, "model recipe: " + why);
}

}  // namespace

Status StoreRecipe(const ModelRecipe& r, XgbModel* model) {
  std::string features;
  for (const auto& f : r.features)
    features += (features.empty() ? "" : ",") + f;
  char threshold[64];
  std::snprintf(threshold, sizeof(threshold), "%.17g", r.target.threshold);
  const std::string text =
      std::string("algorithm=") + AlgorithmName(r.algorithm) +
      "\nmodel_type=" + ModelTypeName(r.target.type) +
      "\nfeatures=" + features +
      "\nhorizon=" + std::to_string(r.target.horizon) +
      "\nthreshold=" + threshold + "\nlags=" + std::to_string(r.target.lags);
  return model->SetAttribute(kRecipeAttr, text);
}

Result<ModelRecipe> LoadRecipe(const XgbModel& model) {
  auto text = model.GetAttribute(kRecipeAttr);
  if (!text.ok()) return Corrupt("missing (model not trained by TrainModel?)");
  std::map<std::string, std::string> kv;
  std::istringstream in(*text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  for (const char* key : {"algorithm", "model_type", "features", "horizon",
                          "threshold", "lags"}) {
    if (!kv.count(key)) return Corrupt(std::string("no ") + key);
  }
  ModelRecipe r;
  auto algo = ParseAlgorithm(kv["algorithm"]);
  auto type = ParseModelType(kv["model_type"]);
  if (!algo.ok() || !type.ok()) return Corrupt("bad algorithm or model_type");
  r.algorithm = *algo;
  r.target.type = *type;
  std::istringstream names(kv["features"]);
  std::string name;
  while (std::getline(names, name, ',')) r.features.push_back(name);
  r.target.horizon = std::atoi(kv["horizon"].c_str());
  r.target.threshold = std::strtod(kv["threshold"].c_str(), nullptr);
  r.target.lags = std::atoi(kv["lags"].c_str());
  if (!ValidateFeatureNames(r.features).ok() ||
      !ValidateTargetSpec(r.target).ok() || r.target.type != model.type()) {
    return Corrupt("invalid features or target");
  }
  return r;
}

}  // namespace trainyard::ml
