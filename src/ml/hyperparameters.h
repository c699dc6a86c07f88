// The AI Studio hyperparameter vocabulary (scikit-learn style names from the
// API document: n_estimators, max_depth, min_samples_split, random_state,
// learning_rate, ...) validated and mapped onto XGBoost booster parameters
// for the two algorithms. The mapping is documented in
// docs/ai-studio-models.md.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ml/targets.h"

namespace trainyard::ml {

enum class Algorithm { kRandomForest, kGradientBoosting };

// "RANDOM_FOREST", "GRADIENT_BOOSTING".
const char* AlgorithmName(Algorithm algorithm);
// Parses the wire names above; VALIDATION_ERROR (field "algorithm") otherwise.
Result<Algorithm> ParseAlgorithm(const std::string& name);

// The names accepted for `algorithm`, sorted.
std::vector<std::string> HyperparameterNames(Algorithm algorithm);

// True for the hyperparameters whose values are whole numbers
// (n_estimators, max_depth, min_samples_split, min_samples_leaf,
// random_state), so that they can be shown and stored as integers; false
// for the others and for unknown names. Pure.
bool IsIntegerHyperparameter(const std::string& name);

// Everything XGBoost needs to train one model.
struct BoosterConfig {
  int rounds = 1;  // boosting rounds (1 for a random forest)
  // XGBoosterSetParam key/value pairs, in the order they are applied.
  std::vector<std::pair<std::string, std::string>> params;
  // Every hyperparameter with the value in effect (given or default), by the
  // API's names; what the model detail should show.
  std::map<std::string, double> effective;
};

// Validates `given` (name -> numeric value; booleans/strings are the
// caller's to reject) and maps it. Unknown names, names that do not apply to
// the algorithm (learning_rate for RANDOM_FOREST), non-integers where an
// integer is needed and out-of-range values are each reported as a
// VALIDATION_ERROR detail under field "hyperparameters" (the unknown-name
// message lists the valid names). `threads` <= 0 means all cores.
Result<BoosterConfig> MapHyperparameters(
    Algorithm algorithm, ModelType type,
    const std::map<std::string, double>& given, int threads = 1);

}  // namespace trainyard::ml
