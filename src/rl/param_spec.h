// What each algorithm's hyperparameter parser accepts, as data read off the
// parser itself (rl/config.cc), so a surface that documents the parameters
// (the ILP train routes' JSON Schema in /api/openapi.json) shows the parser's
// own ranges and defaults instead of a second copy of them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rl/config.h"
#include "rl/params.h"

namespace trainyard::rl {

// The largest layer size a list of layer sizes ("hidden": "64,64") takes.
inline constexpr int64_t kMaxLayerSize = 4096;

// One parameter as its parser reads it.
struct ParamSpec {
  enum class Kind { kReal, kInt, kBool, kChoice, kText, kLayers };
  std::string name;
  Kind kind = Kind::kText;
  double lo = 0, hi = 0;             // kReal and kInt; kLayers: each size
  Bounds bounds = Bounds::kClosed;   // kReal
  std::vector<std::string> choices;  // kChoice
  // The default as a ParamMap would give it ("0.99", "64,64", "true").
  std::string default_text;
  // Other names the parser accepts for it ("alpha" for learning_rate).
  std::vector<std::string> aliases;
};

// The parameters `algo`'s parser reads, in the order it reads them, each
// with its range and default (the algorithm's own: DDPG's learning rates are
// 1e-3). Parameters read only when another is given (SAC's sde_sample_freq
// and target_entropy) are not listed. Thread-safe.
std::vector<ParamSpec> DescribeParams(Algo algo);

// The spec in `specs` named `key` or having it as an alias, or nullptr.
const ParamSpec* FindParam(const std::vector<ParamSpec>& specs,
                           const std::string& key);

// The JSON Schema (2020-12) of the value a JSON body gives for `spec`, in
// the forms ParamsFromJson (rl/algo_config.h) passes on: a number with its
// bounds (exclusiveMinimum for an open end), an integer, a boolean, one of
// the choices, or an array of layer sizes (at most kMaxHiddenLayers for
// "hidden"); "default" is the parser's default.
nlohmann::json ParamJsonSchema(const ParamSpec& spec);

}  // namespace trainyard::rl
