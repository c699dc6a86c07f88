// The body of POST ddpg/train/ and ppo/train/ read into a training job's
// spec: the product's own fields (steps, pools, budget, ...) by the ILP, the
// algorithm's hyperparameters by rl's parsers (rl/algo_config.h), so their
// ranges and defaults are rl's, as for the gym and the CLI.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/body_schema.h"
#include "core/status.h"
#include "products/ilp/train_job.h"

namespace trainyard::ilp {

// The declaration of that body for `algo` ("ppo" or "ddpg"), which
// ParseTrainRequest reads through (the route's api::Route::body): the
// product's members with their bounds, and the hyperparameters with rl's
// ranges and defaults (rl/param_spec.h). Thread-safe; built once.
const std::shared_ptr<const api::BodySchema>& TrainRequestBody(
    const std::string& algo);

// Validates `body` for `algo` ("ppo" or "ddpg") into a spec whose
// model.params hold the hyperparameters the job reads into rl::Train's
// config (every one the document lists, defaults filled in). Only the model
// part of the spec is set. Errors: VALIDATION_ERROR with one FieldError per
// problem, named as the body's keys.
Result<TrainJobSpec> ParseTrainRequest(const std::string& algo,
                                       const nlohmann::json& body);

}  // namespace trainyard::ilp
