// Hyperparameters as they arrive from the CLI (--param k=v) or an API body:
// a flat map of names to text. ParamReader turns them into typed,
// range-checked values and reports every problem at once as FieldErrors.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::rl {

// Raw hyperparameters, e.g. {"gamma": "0.99", "policy_clip": "0.2"}.
// API layers pass JSON numbers/booleans as their text ("0.5", "true").
using ParamMap = std::map<std::string, std::string>;

// Which ends of a numeric range are allowed.
enum class Bounds { kClosed, kOpenLow, kOpenHigh, kOpen };

// Reads parameters out of a ParamMap. Each accessor returns the default when
// the key is absent and records a FieldError (returning the default) when
// the value is malformed or out of range. Not thread-safe; use one per parse.
class ParamReader {
 public:
  explicit ParamReader(const ParamMap& params) : params_(params) {}

  // A real number in the range [lo, hi] (ends per `bounds`).
  double Real(const std::string& name, double default_value, double lo,
              double hi, Bounds bounds = Bounds::kClosed);
  // An integer in [lo, hi].
  int64_t Int(const std::string& name, int64_t default_value, int64_t lo,
              int64_t hi);
  // "true"/"false"/"1"/"0".
  bool Bool(const std::string& name, bool default_value);
  // One of `choices`.
  std::string Choice(const std::string& name, const std::string& default_value,
                     const std::vector<std::string>& choices);
  // The text as given (no checks).
  std::string Text(const std::string& name, const std::string& default_value);
  // Comma-separated positive layer sizes, e.g. "64,64".
  std::vector<int64_t> Layers(const std::string& name,
                              std::vector<int64_t> default_value);
  // `alias` is another accepted name for `name` (e.g. "discount_factor" for
  // "gamma"); giving both is an error. Call before reading `name`.
  void Alias(const std::string& alias, const std::string& name);
  // True if the caller supplied `name` (or one of its aliases).
  bool Has(const std::string& name) const;
  // Records a problem found by a cross-field check.
  void AddError(const std::string& field, const std::string& message);

  // OK, or a VALIDATION_ERROR listing every bad or unknown parameter.
  // `what` names the parameter set in the message, e.g. "ppo".
  Status Finish(const std::string& what) const;

 private:
  // The text given for `name` or an alias, or nullptr. Marks it used.
  const std::string* Find(const std::string& name);

  const ParamMap& params_;
  std::map<std::string, std::string> alias_to_name_;
  std::set<std::string> used_;
  std::vector<FieldError> errors_;
};

}  // namespace trainyard::rl
