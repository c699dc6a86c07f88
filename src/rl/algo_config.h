// One algorithm's hyperparameters as a typed value, validated once by the
// parsers of config.h, where every range and default is defined; and the
// bridge from JSON bodies (the ILP and gym APIs) to those parsers, so every
// surface — CLI flags, ILP routes, gym tasks — accepts exactly the same values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "core/status.h"
#include "rl/config.h"
#include "rl/params.h"

namespace trainyard::rl {

// The range of log_std_init (PPO's Gaussian policy; SAC with gSDE): the
// bounds SAC clamps its log-std head to (off_policy.cc), so no policy starts
// at a standard deviation training could never reach (e^2 ~ 7.4 is already
// several times the [-1, 1] action range; e^-20 is deterministic).
inline constexpr double kLogStdInitMin = -20.0;
inline constexpr double kLogStdInitMax = 2.0;

// At most this many hidden layers ("hidden"; each size as
// ParamReader::Layers takes it).
inline constexpr size_t kMaxHiddenLayers = 4;

// An algorithm with its typed hyperparameters: PpoConfig for kPpo,
// DqnConfig for kDqn, QLearningConfig for kQLearning, OffPolicyConfig for
// kDdpg, kTd3 and kSac.
// What rl::Train takes (trainer.h); build it with ParseAlgoConfig, which
// applies the ranges.
struct AlgoConfig {
  Algo algo = Algo::kPpo;
  std::variant<PpoConfig, DqnConfig, OffPolicyConfig, QLearningConfig> params;

  bool operator==(const AlgoConfig&) const = default;
};

// Validates `params` for `algo` with that algorithm's parser. Errors:
// VALIDATION_ERROR with one FieldError per problem, each named as the key
// was given (an alias such as "alpha" or "buffer_size" included).
Result<AlgoConfig> ParseAlgoConfig(Algo algo, const ParamMap& params);
// As above with the algorithm by name (ParseAlgo's names): VALIDATION_ERROR
// on "algo" for an unknown one.
Result<AlgoConfig> ParseAlgoConfig(const std::string& algo,
                                   const ParamMap& params);

// OK if config.params holds the type config.algo trains with (as every
// config from ParseAlgoConfig does); VALIDATION_ERROR on "algo" otherwise.
Status CheckAlgoConfig(const AlgoConfig& config);

// Every field of config.params under its struct member's name, e.g.
// {"n_steps": 2048, "gamma": 0.99, ...}: what a checkpoint records.
nlohmann::json AlgoConfigToJson(const AlgoConfig& config);
// Inverse of AlgoConfigToJson for `algo`. Fields `j` lacks keep their
// defaults (a checkpoint written before the field existed). Errors:
// VALIDATION_ERROR if `j` is not an object or a field has the wrong type.
Result<AlgoConfig> AlgoConfigFromJson(Algo algo, const nlohmann::json& j);

// API hyperparameters (JSON numbers, booleans, strings, arrays of integers)
// as the text map the parsers read: numbers as JSON writes them, booleans as
// "true"/"false", arrays as "64,64". VALIDATION_ERROR on
// "<field_prefix><key>" for any other type.
Result<ParamMap> ParamsFromJson(const nlohmann::json& parameters,
                                const std::string& field_prefix = "");

}  // namespace trainyard::rl
