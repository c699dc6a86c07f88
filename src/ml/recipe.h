// The training recipe saved inside a model artifact: the algorithm, base
// feature names and target definition that produced the model's inputs, so
// predictions from stored prices rebuild exactly the rows it was trained on.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "ml/hyperparameters.h"
#include "ml/targets.h"
#include "ml/xgb_model.h"

namespace trainyard::ml {

struct ModelRecipe {
  Algorithm algorithm = Algorithm::kRandomForest;
  std::vector<std::string> features;  // base names, e.g. "rsi_14"
  TargetSpec target;                  // type equals the model's type
};

// Saves `recipe` as a model attribute (it travels with Serialize()).
Status StoreRecipe(const ModelRecipe& recipe, XgbModel* model);

// Reads the recipe back. CORRUPTION if the model has none or it is malformed.
Result<ModelRecipe> LoadRecipe(const XgbModel& model);

}  // namespace trainyard::ml
