#include "rl/params.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <vector>

#include "core/suggest.h"
#include "rl/param_spec.h"

namespace trainyard::rl {
namespace {

bool ParseDouble(const std::string& text, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (errno != 0 || end != text.c_str() + text.size() || !std::isfinite(v)) {
    return false;
  }
  *out = v;
  return true;
}

bool ParseInt(const std::string& text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) {
    // Accept integral reals such as "1e5" or "2048.0" from JSON encoders.
    double d = 0;
    if (!ParseDouble(text, &d) || d != std::floor(d) || std::fabs(d) > 9e15) {
      return false;
    }
    v = static_cast<long long>(d);
  }
  *out = v;
  return true;
}

std::string RangeText(double lo, double hi, Bounds b) {
  std::ostringstream s;
  bool open_lo = b == Bounds::kOpenLow || b == Bounds::kOpen;
  bool open_hi = b == Bounds::kOpenHigh || b == Bounds::kOpen;
  s << (open_lo ? "(" : "[") << lo << ", " << hi << (open_hi ? ")" : "]");
  return s.str();
}

// The key under which `text` (a value of `params`) was given, so that an
// error names what the caller wrote, an alias ("alpha", "buffer_size")
// included.
const std::string& GivenKey(const ParamMap& params, const std::string* text,
                            const std::string& name) {
  for (const auto& [key, value] : params) {
    if (&value == text) return key;
  }
  return name;
}

}  // namespace

void ParamReader::Alias(const std::string& alias, const std::string& name) {
  alias_to_name_[alias] = name;
}

const std::string* ParamReader::Find(const std::string& name) {
  // Every name asked for is recorded as an alias of itself (harmless:
  // consider() below then looks at the same key twice), so that Finish can
  // suggest it for a mistyped key.
  alias_to_name_.emplace(name, name);
  const std::string* found = nullptr;
  std::string found_key;
  auto consider = [&](const std::string& key) {
    auto it = params_.find(key);
    if (it == params_.end()) return;
    used_.insert(key);
    if (found != nullptr && *found != it->second) {
      AddError(key, "conflicts with '" + found_key + "'; give only one of them");
      return;
    }
    found = &it->second;
    found_key = key;
  };
  consider(name);
  for (const auto& [alias, target] : alias_to_name_) {
    if (target == name) consider(alias);
  }
  return found;
}

bool ParamReader::Has(const std::string& name) const {
  if (params_.count(name)) return true;
  for (const auto& [alias, target] : alias_to_name_) {
    if (target == name && params_.count(alias)) return true;
  }
  return false;
}

void ParamReader::AddError(const std::string& field, const std::string& message) {
  errors_.push_back({field, message});
}

double ParamReader::Real(const std::string& name, double default_value,
                         double lo, double hi, Bounds bounds) {
  const std::string* text = Find(name);
  if (text == nullptr) return default_value;
  double v = 0;
  if (!ParseDouble(*text, &v)) {
    AddError(GivenKey(params_, text, name),
             "must be a number, got '" + *text + "'");
    return default_value;
  }
  bool open_lo = bounds == Bounds::kOpenLow || bounds == Bounds::kOpen;
  bool open_hi = bounds == Bounds::kOpenHigh || bounds == Bounds::kOpen;
  bool ok = (open_lo ? v > lo : v >= lo) && (open_hi ? v < hi : v <= hi);
  if (!ok) {
    AddError(GivenKey(params_, text, name),
             "must be in " + RangeText(lo, hi, bounds) + ", got " + *text);
    return default_value;
  }
  return v;
}

int64_t ParamReader::Int(const std::string& name, int64_t default_value,
                         int64_t lo, int64_t hi) {
  const std::string* text = Find(name);
  if (text == nullptr) return default_value;
  int64_t v = 0;
  if (!ParseInt(*text, &v)) {
    AddError(GivenKey(params_, text, name),
             "must be an integer, got '" + *text + "'");
    return default_value;
  }
  if (v < lo || v > hi) {
    AddError(GivenKey(params_, text, name),
             "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                 "], got " + *text);
    return default_value;
  }
  return v;
}

bool ParamReader::Bool(const std::string& name, bool default_value) {
  const std::string* text = Find(name);
  if (text == nullptr) return default_value;
  if (*text == "true" || *text == "1" || *text == "True") return true;
  if (*text == "false" || *text == "0" || *text == "False") return false;
  AddError(GivenKey(params_, text, name),
           "must be true or false, got '" + *text + "'");
  return default_value;
}

std::string ParamReader::Choice(const std::string& name,
                                const std::string& default_value,
                                const std::vector<std::string>& choices) {
  const std::string* text = Find(name);
  if (text == nullptr) return default_value;
  for (const auto& c : choices) {
    if (*text == c) return c;
  }
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  AddError(GivenKey(params_, text, name),
           "must be one of {" + list + "}, got '" + *text + "'");
  return default_value;
}

std::string ParamReader::Text(const std::string& name,
                              const std::string& default_value) {
  const std::string* text = Find(name);
  return text == nullptr ? default_value : *text;
}

std::vector<int64_t> ParamReader::Layers(const std::string& name,
                                         std::vector<int64_t> default_value) {
  const std::string* text = Find(name);
  if (text == nullptr) return default_value;
  std::vector<int64_t> layers;
  std::stringstream in(*text);
  std::string part;
  while (std::getline(in, part, ',')) {
    int64_t v = 0;
    if (!ParseInt(part, &v) || v < 1 || v > kMaxLayerSize) {
      AddError(GivenKey(params_, text, name),
               "must be comma-separated layer sizes in [1, " +
                   std::to_string(kMaxLayerSize) + "], got '" +
                   *text + "'");
      return default_value;
    }
    layers.push_back(v);
  }
  if (layers.empty()) {
    AddError(GivenKey(params_, text, name),
             "must list at least one layer size");
    return default_value;
  }
  return layers;
}

Status ParamReader::Finish(const std::string& what) const {
  std::vector<FieldError> errors = errors_;
  for (const auto& [key, value] : params_) {
    if (!used_.count(key)) {
      // An unknown name close to a known one (core/suggest) gets "did you
      // mean 'known'?".
      std::string message = "unknown parameter for " + what;
      std::vector<std::string> known;
      for (const auto& [alias, target] : alias_to_name_) known.push_back(alias);
      if (std::optional<std::string> near = ClosestName(key, known))
        message += "; did you mean '" + *near + "'?";
      errors.push_back({key, message});
    }
  }
  if (errors.empty()) return Status::Ok();
  return ValidationError("invalid " + what + " hyperparameters", errors);
}

}  // namespace trainyard::rl
