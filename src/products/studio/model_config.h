// The model configuration a user writes with POST/PATCH models/: validation
// of every field (one VALIDATION_ERROR naming all bad fields, nested ones as
// "training_config.start_date") with defaults filled in, and its translation
// into an ml::TrainingRequest.
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/body_schema.h"
#include "core/status.h"
#include "ml/trainer.h"
#include "products/studio/market_data.h"

namespace trainyard::studio {

struct ModelConfig {
  std::string name;
  std::string description;
  std::string model_type;
  std::string algorithm;
  // Stored document: {"target_variable", "features", "hyperparameters",
  // "training_config"} with every default filled in.
  nlohmann::json config;
};

// The body of POST models/ (api/body_schema.h): what ValidateModelConfig
// reads a document through, and what the OpenAPI document shows.
const std::shared_ptr<const api::BodySchema>& ModelConfigBody();
// The body of PATCH models/{id}: the same members, none required.
const std::shared_ptr<const api::BodySchema>& ModelPatchBody();

// The keys POST models/ accepts (the members of ModelConfigBody()).
const std::vector<std::string>& ModelConfigKeys();

// Validates a full model document (a POST body, or the stored model with a
// PATCH merged into it). `market` checks that the symbols have data.
Result<ModelConfig> ValidateModelConfig(const nlohmann::json& body,
                                        MarketData* market);

// The request that trains `config` (a stored, validated document).
Result<ml::TrainingRequest> ToTrainingRequest(const std::string& model_type,
                                              const std::string& algorithm,
                                              const nlohmann::json& config);

// The symbols of a stored config.
std::vector<std::string> ConfigSymbols(const nlohmann::json& config);

}  // namespace trainyard::studio
