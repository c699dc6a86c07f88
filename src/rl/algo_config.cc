#include "rl/algo_config.h"

#include <utility>
#include <vector>

namespace trainyard::rl {

// JSON conversions of the typed configs (ADL finds them in this namespace).
// A field missing here is missing from checkpoints, and resuming a run that
// set it would be refused as "hyperparameters differ": list every member.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
    PpoConfig, n_envs, n_steps, batch_size, n_epochs, learning_rate,
    lr_schedule, gamma, gae_lambda, policy_clip, clip_schedule, value_clip,
    ent_coef, vf_coef, max_grad_norm, normalize_advantage, policy, hidden,
    activation, log_std_init, use_running_statistics, use_sde, sde_sample_freq)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
    DqnConfig, buffer_size, batch_size, learning_rate, gamma, tau,
    target_update_interval, train_freq, gradient_steps, learning_starts,
    exploration_fraction, exploration_initial_eps, exploration_final_eps,
    max_grad_norm, double_dqn, hidden, use_running_statistics, lr_schedule)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(
    OffPolicyConfig, buffer_size, batch_size, actor_lr, critic_lr, gamma, tau,
    train_freq, gradient_steps, learning_starts, hidden, action_noise,
    policy_delay, target_policy_noise, target_noise_clip, auto_ent_coef,
    ent_coef, target_entropy, auto_target_entropy, max_grad_norm,
    use_running_statistics, use_sde, sde_sample_freq, use_sde_at_warmup,
    log_std_init)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(QLearningConfig, learning_rate,
                                                gamma, bins, obs_clip,
                                                exploration_fraction,
                                                exploration_initial_eps,
                                                exploration_final_eps)

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

Result<AlgoConfig> ParseAlgoConfig(const std::string& algo,
                                   const ParamMap& params) {
  TY_ASSIGN_OR_RETURN(Algo a, ParseAlgo(algo));
  return ParseAlgoConfig(a, params);
}

Status CheckAlgoConfig(const AlgoConfig& config) {
  bool matches = false;
  switch (config.algo) {
    case Algo::kPpo:
      matches = std::holds_alternative<PpoConfig>(config.params);
      break;
    case Algo::kDqn:
      matches = std::holds_alternative<DqnConfig>(config.params);
      break;
    case Algo::kQLearning:
      matches = std::holds_alternative<QLearningConfig>(config.params);
      break;
    case Algo::kDdpg:
    case Algo::kTd3:
    case Algo::kSac:
      matches = std::holds_alternative<OffPolicyConfig>(config.params);
      break;
  }
  if (matches) return Status::Ok();
  return ValidationError("invalid training options",
                         {{"algo", std::string("the hyperparameters are not ") +
                                       AlgoName(config.algo) + "'s"}});
}

nlohmann::json AlgoConfigToJson(const AlgoConfig& config) {
  return std::visit([](const auto& c) { return nlohmann::json(c); },
                    config.params);
}

Result<AlgoConfig> AlgoConfigFromJson(Algo algo, const nlohmann::json& j) {
  if (!j.is_object()) {
    return ValidationError("hyperparameters must be a JSON object");
  }
  AlgoConfig out;
  out.algo = algo;
  try {
    switch (algo) {
      case Algo::kPpo:
        out.params = j.get<PpoConfig>();
        break;
      case Algo::kDqn:
        out.params = j.get<DqnConfig>();
        break;
      case Algo::kQLearning:
        out.params = j.get<QLearningConfig>();
        break;
      case Algo::kDdpg:
      case Algo::kTd3:
      case Algo::kSac:
        out.params = j.get<OffPolicyConfig>();
        break;
    }
  } catch (const nlohmann::json::exception& e) {
    return ValidationError(std::string("hyperparameters do not read: ") +
                           e.what());
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
