#include "rl/algo_config.h"

#include <utility>
#include <vector>

namespace trainyard::rl {

Result<AlgoConfig> ParseAlgoConfig(Algo algo, const ParamMap& params) {
  AlgoConfig out;
  out.algo = algo;
  switch (algo) {
    case Algo::kPpo: {
      TY_ASSIGN_OR_RETURN(out.params, ParsePpoConfig(params));
      break;
    }
    case Algo::kDqn: {
      TY_ASSIGN_OR_RETURN(out.params, ParseDqnConfig(params));
      break;
    }
    case Algo::kQLearning: {
      TY_ASSIGN_OR_RETURN(out.params, ParseQLearningConfig(params));
      break;
    }
    case Algo::kDdpg:
    case Algo::kTd3:
    case Algo::kSac: {
      TY_ASSIGN_OR_RETURN(out.params, ParseOffPolicyConfig(algo, params));
      break;
    }
  }
  return out;
}

Result<ParamMap> ParamsFromJson(const nlohmann::json& parameters,
                                const std::string& field_prefix) {
  ParamMap out;
  std::vector<FieldError> errors;
  for (const auto& [key, value] : parameters.items()) {
    if (value.is_boolean()) {
      out[key] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      out[key] = value.dump();
    } else if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_array()) {
      std::string text;
      bool ok = true;
      for (const nlohmann::json& item : value) {
        ok = ok && item.is_number_integer();
        if (!text.empty()) text += ",";
        text += item.dump();
      }
      if (ok) {
        out[key] = text;
      } else {
        errors.push_back({field_prefix + key, "must be a list of integers"});
      }
    } else {
      errors.push_back({field_prefix + key,
                        "must be a number, boolean, string or integer list"});
    }
  }
  if (!errors.empty()) {
    return ValidationError("invalid parameters", std::move(errors));
  }
  return out;
}

}  // namespace trainyard::rl
