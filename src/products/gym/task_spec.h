// What a gym training task is made of, parsed from the POST /training body
// and stored in the job's params: the algorithm and its hyperparameters, the
// episode count, the environment settings and the load group. Also the
// per-algorithm defaults the gym applies on top of rl's (docs/gym.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "env/edge_scaling/edge_scaling.h"
#include "env/edge_scaling/groups.h"
#include "rl/algo_config.h"
#include "rl/params.h"

namespace trainyard::gym {

inline constexpr const char* kTrainJobType = "gym.train";
inline constexpr const char* kDefaultGroup = "steady";

// The algorithms a task may use, as the API names them.
const std::vector<std::string>& ModelTypes();

// The environment as JSON settings: every key optional (docs/gym.md):
// nodes, services, max_replicas, initial_replicas, placement, node_cpu_cores,
// node_memory_gib, node_network_mbps, replica_cpu, replica_memory_gib,
// service_rate, request_kb, replica_cost, imbalance_cost,
// infeasible_penalty, unstable_latency_s, latency_slo_ms, step_seconds,
// episode_steps (the last two override the group's), action_mode
// ("joint": the algorithm's native encoding, "relative": relative_discrete,
// "per_service": one decision per service), relative_step,
// observe_time, observe_trend, replica_budget, replica_budget_step
// (training only: an adaptive replica price, replica_budget.h). Unknown
// keys, wrong
// types and out-of-range values are VALIDATION_ERRORs on
// "environment.<key>".
Result<env::edge::EdgeScalingConfig> ParseEnvironment(
    const nlohmann::json& settings, const env::edge::LoadGroup& group);

// A load group from its JSON definition (keys: profile, users,
// request_interval_s, step_seconds, episode_steps, seed, diurnal_shape,
// diurnal_amplitude, burst_probability, burst_factor, burst_steps,
// start_time_s, poisson_arrivals, trace [[time_s, multiplier], ...] or
// trace_csv "text"). VALIDATION_ERROR on "group.<key>".
Result<env::edge::LoadGroup> GroupFromJson(const std::string& id,
                                           const nlohmann::json& definition);
// The definition GroupFromJson reads back (trace as rows).
nlohmann::json GroupToJson(const env::edge::LoadGroup& group);

// API hyperparameters (JSON numbers, booleans, strings, integer arrays) as
// rl's text map. VALIDATION_ERROR on "parameters.<key>" for other types.
Result<rl::ParamMap> ParamsFromJson(const nlohmann::json& parameters);

// The action encoding each algorithm needs: joint_discrete for q_learning,
// dqn and ppo; continuous for sac and td3.
env::edge::ActionEncoding EncodingFor(const std::string& model_type);

// Sets config->encoding for `model_type`: EncodingFor(model_type), except
// that relative_discrete and per_service configs (action_mode) stay.
// VALIDATION_ERROR ("environment.action_mode") for those with sac/td3,
// or when the resulting config is invalid.
Status ApplyEncoding(const std::string& model_type,
                     env::edge::EdgeScalingConfig* config);

// `user` plus the gym's defaults for `model_type` where the user gave none
// (smaller buffers and earlier learning than rl's Atari/MuJoCo-sized
// defaults, running statistics on; q_learning bins only the request rates).
rl::ParamMap WithGymDefaults(const std::string& model_type,
                             const env::edge::EdgeScalingConfig& config,
                             rl::ParamMap user);

// Reads `parameters` for `model_type` with rl's parsers (after the gym's
// defaults) into the typed config rl::Train takes: VALIDATION_ERROR on
// "parameters.<key>" for unknown keys, bad values and inconsistent
// combinations (and ParseAlgo's error for an unknown model_type).
Result<rl::AlgoConfig> ValidateParameters(
    const std::string& model_type, const env::edge::EdgeScalingConfig& config,
    const rl::ParamMap& parameters);

}  // namespace trainyard::gym
