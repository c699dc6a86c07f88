#include "rl/param_spec.h"

#include <cmath>
#include <cstdlib>

#include "rl/algo_config.h"

namespace trainyard::rl {

using nlohmann::json;

const ParamSpec* FindParam(const std::vector<ParamSpec>& specs,
                           const std::string& key) {
  for (const ParamSpec& s : specs) {
    if (s.name == key) return &s;
    for (const std::string& alias : s.aliases) {
      if (alias == key) return &s;
    }
  }
  return nullptr;
}

json ParamJsonSchema(const ParamSpec& spec) {
  json out = json::object();
  const bool open_lo =
      spec.bounds == Bounds::kOpenLow || spec.bounds == Bounds::kOpen;
  const bool open_hi =
      spec.bounds == Bounds::kOpenHigh || spec.bounds == Bounds::kOpen;
  switch (spec.kind) {
    case ParamSpec::Kind::kReal:
      out["type"] = "number";
      // An infinite end is no bound at all.
      if (std::isfinite(spec.lo))
        out[open_lo ? "exclusiveMinimum" : "minimum"] = spec.lo;
      if (std::isfinite(spec.hi))
        out[open_hi ? "exclusiveMaximum" : "maximum"] = spec.hi;
      out["default"] = std::strtod(spec.default_text.c_str(), nullptr);
      break;
    case ParamSpec::Kind::kInt:
      out["type"] = "integer";
      out["minimum"] = static_cast<int64_t>(spec.lo);
      out["maximum"] = static_cast<int64_t>(spec.hi);
      out["default"] = std::strtoll(spec.default_text.c_str(), nullptr, 10);
      break;
    case ParamSpec::Kind::kBool:
      out["type"] = "boolean";
      out["default"] = spec.default_text == "true";
      break;
    case ParamSpec::Kind::kChoice:
      out["type"] = "string";
      out["enum"] = spec.choices;
      out["default"] = spec.default_text;
      break;
    case ParamSpec::Kind::kText:
      out["type"] = "string";
      out["default"] = spec.default_text;
      break;
    case ParamSpec::Kind::kLayers: {
      out["type"] = "array";
      out["items"] = {{"type", "integer"},
                      {"minimum", static_cast<int64_t>(spec.lo)},
                      {"maximum", static_cast<int64_t>(spec.hi)}};
      out["minItems"] = 1;
      if (spec.name == "hidden") out["maxItems"] = kMaxHiddenLayers;
      json sizes = json::array();
      const char* p = spec.default_text.c_str();
      while (*p != '\0') {
        char* end = nullptr;
        sizes.push_back(std::strtoll(p, &end, 10));
        p = *end == ',' ? end + 1 : end;
      }
      out["default"] = sizes;
      break;
    }
  }
  return out;
}

}  // namespace trainyard::rl
