#include "products/gym/task_spec.h"

#include <sstream>

#include "api/json_validator.h"
#include "env/edge_scaling/per_service.h"
#include "rl/algo_config.h"
#include "rl/config.h"

namespace trainyard::gym {

namespace edge = env::edge;
using nlohmann::json;

namespace {

// Re-labels a validation error's fields as "<prefix>.<field>".
Status Prefixed(const Status& status, const std::string& prefix) {
  if (status.ok() || status.code() != ErrorCode::kValidation) return status;
  std::vector<FieldError> errors;
  for (const FieldError& e : status.details()) {
    const bool has = e.field.rfind(prefix + ".", 0) == 0;
    errors.push_back({has ? e.field : prefix + "." + e.field, e.message});
  }
  if (errors.empty()) errors.push_back({prefix, status.message()});
  return ValidationError(status.message(), std::move(errors));
}

constexpr double kTiny = 1e-9;

template <typename T, typename V>
void Set(const std::optional<V>& value, T* field) {
  if (value) *field = static_cast<T>(*value);
}

Result<std::vector<edge::TracePoint>> TraceFromJson(const json& rows) {
  std::ostringstream csv;
  for (const json& row : rows) {
    if (!row.is_array() || row.size() != 2 || !row[0].is_number() ||
        !row[1].is_number()) {
      return ValidationError("invalid trace",
                             {{"trace", "rows must be [time_s, multiplier]"}});
    }
    csv << row[0].get<double>() << "," << row[1].get<double>() << "\n";
  }
  return edge::ParseTraceCsv(csv.str());
}

struct ParamDefault {
  std::vector<std::string> names;  // the name and its aliases
  std::string value;
};

}  // namespace

const std::vector<std::string>& ModelTypes() {
  static const std::vector<std::string> types = {"q_learning", "dqn", "ppo",
                                                 "sac", "td3"};
  return types;
}

Result<edge::EdgeScalingConfig> ParseEnvironment(const json& settings,
                                                 const edge::LoadGroup& group) {
  edge::EdgeScalingConfig c = edge::WithGroup(edge::EdgeScalingConfig{}, group);
  api::JsonValidator v(settings);
  v.RejectUnknownKeys({"nodes",
                       "services",
                       "max_replicas",
                       "initial_replicas",
                       "placement",
                       "node_cpu_cores",
                       "node_memory_gib",
                       "node_network_mbps",
                       "replica_cpu",
                       "replica_memory_gib",
                       "service_rate",
                       "request_kb",
                       "replica_cost",
                       "imbalance_cost",
                       "infeasible_penalty",
                       "unstable_latency_s",
                       "latency_slo_ms",
                       "step_seconds",
                       "episode_steps",
                       "action_mode",
                       "relative_step",
                       "observe_time",
                       "observe_trend",
                       "service_rewards",
                       "replica_budget",
                       "replica_budget_step"});
  auto nodes = v.OptionalInt("nodes", 1, 16);
  auto services = v.OptionalInt("services", 1, 16);
  Set(v.OptionalInt("max_replicas", 1, 16), &c.max_replicas);
  Set(v.OptionalInt("initial_replicas", 0, 16), &c.initial_replicas);
  auto placement = v.OptionalEnum("placement", {"spread", "per_node"});
  auto cpu = v.OptionalNumber("node_cpu_cores", kTiny, 1024);
  auto memory = v.OptionalNumber("node_memory_gib", kTiny, 1e5);
  auto network = v.OptionalNumber("node_network_mbps", kTiny, 1e6);
  auto replica_cpu = v.OptionalNumber("replica_cpu", 0, 1024);
  auto replica_memory = v.OptionalNumber("replica_memory_gib", 0, 1e5);
  auto service_rate = v.OptionalNumber("service_rate", kTiny, 1e6);
  auto request_kb = v.OptionalNumber("request_kb", 0, 1e6);
  Set(v.OptionalNumber("replica_cost", 0, 100), &c.replica_cost);
  Set(v.OptionalNumber("imbalance_cost", 0, 100), &c.imbalance_cost);
  Set(v.OptionalNumber("infeasible_penalty", 0, 1e6), &c.infeasible_penalty);
  Set(v.OptionalNumber("unstable_latency_s", kTiny, 1e6),
      &c.unstable_latency_s);
  Set(v.OptionalNumber("latency_slo_ms", kTiny, 1e6), &c.latency_slo_ms);
  Set(v.OptionalNumber("step_seconds", kTiny, 1e6), &c.step_seconds);
  Set(v.OptionalInt("episode_steps", 1, 100000), &c.episode_steps);
  auto action_mode =
      v.OptionalEnum("action_mode", {"joint", "relative", "per_service"});
  Set(v.OptionalInt("relative_step", 1, 16), &c.relative_step);
  Set(v.OptionalBool("observe_time"), &c.observe_time);
  Set(v.OptionalBool("observe_trend"), &c.observe_trend);
  Set(v.OptionalBool("service_rewards"), &c.service_rewards);
  Set(v.OptionalNumber("replica_budget", 0, 1024), &c.replica_budget);
  Set(v.OptionalNumber("replica_budget_step", kTiny, 1),
      &c.replica_budget_step);
  TY_RETURN_IF_ERROR(Prefixed(v.Finish("invalid environment"), "environment"));
  if (nodes) c.nodes.resize(*nodes);
  if (services) c.services.resize(*services);
  for (edge::NodeSpec& n : c.nodes) {
    Set(cpu, &n.cpu_cores);
    Set(memory, &n.memory_gib);
    Set(network, &n.network_mbps);
  }
  for (edge::ServiceSpec& s : c.services) {
    Set(replica_cpu, &s.cpu_per_replica);
    Set(replica_memory, &s.memory_per_replica);
    Set(service_rate, &s.service_rate);
    Set(request_kb, &s.request_kb);
  }
  if (placement) c.placement = *edge::ParsePlacement(*placement);
  if (action_mode == "relative") {
    c.encoding = edge::ActionEncoding::kRelativeDiscrete;
  } else if (action_mode == "per_service") {
    c.encoding = edge::ActionEncoding::kPerService;
  }
  TY_RETURN_IF_ERROR(Prefixed(edge::ValidateConfig(c), "environment"));
  return c;
}

Result<edge::LoadGroup> GroupFromJson(const std::string& id,
                                      const json& definition) {
  edge::LoadGroup g;
  g.id = id;
  api::JsonValidator v(definition);
  v.RejectUnknownKeys({"profile", "users", "request_interval_s", "step_seconds",
                       "episode_steps", "seed", "diurnal_shape",
                       "diurnal_amplitude", "burst_probability", "burst_factor",
                       "burst_steps", "start_time_s", "poisson_arrivals",
                       "trace", "trace_csv"});
  auto profile =
      v.OptionalEnum("profile", {"constant", "diurnal", "bursts", "trace"});
  Set(v.OptionalNumber("users", 0, 1e9), &g.load.users);
  Set(v.OptionalNumber("request_interval_s", 1e-3, 1e6),
      &g.load.request_interval_s);
  Set(v.OptionalNumber("step_seconds", kTiny, 1e6), &g.step_seconds);
  Set(v.OptionalInt("episode_steps", 1, 100000), &g.episode_steps);
  Set(v.OptionalInt("seed", 0, INT64_MAX), &g.seed);
  auto shape = v.OptionalEnum("diurnal_shape", {"sine", "two_peak"});
  Set(v.OptionalNumber("diurnal_amplitude", 0, 1), &g.load.diurnal_amplitude);
  Set(v.OptionalNumber("burst_probability", 0, 1), &g.load.burst_probability);
  Set(v.OptionalNumber("burst_factor", 0, 100), &g.load.burst_factor);
  Set(v.OptionalInt("burst_steps", 1, 10000), &g.load.burst_steps);
  Set(v.OptionalNumber("start_time_s", -1, 1e12), &g.load.start_time_s);
  Set(v.OptionalBool("poisson_arrivals"), &g.load.poisson_arrivals);
  auto trace = v.OptionalArray("trace");
  auto trace_csv = v.OptionalString("trace_csv", 16 << 20);
  TY_RETURN_IF_ERROR(Prefixed(v.Finish("invalid group"), "group"));
  if (profile) g.load.shape = *edge::ParseLoadShape(*profile);
  if (shape) g.load.diurnal = *edge::ParseDiurnalShape(*shape);
  if (trace) {
    auto rows = TraceFromJson(*trace);
    TY_RETURN_IF_ERROR(Prefixed(rows.status(), "group"));
    g.load.trace = std::move(*rows);
  } else if (trace_csv) {
    auto rows = edge::ParseTraceCsv(*trace_csv);
    TY_RETURN_IF_ERROR(Prefixed(rows.status(), "group"));
    g.load.trace = std::move(*rows);
  }
  TY_RETURN_IF_ERROR(Prefixed(edge::ValidateLoadConfig(g.load), "group"));
  return g;
}

json GroupToJson(const edge::LoadGroup& g) {
  json out = {{"profile", edge::LoadShapeName(g.load.shape)},
              {"users", g.load.users},
              {"request_interval_s", g.load.request_interval_s},
              {"step_seconds", g.step_seconds},
              {"episode_steps", g.episode_steps},
              {"seed", g.seed},
              {"diurnal_shape", edge::DiurnalShapeName(g.load.diurnal)},
              {"diurnal_amplitude", g.load.diurnal_amplitude},
              {"burst_probability", g.load.burst_probability},
              {"burst_factor", g.load.burst_factor},
              {"burst_steps", g.load.burst_steps},
              {"start_time_s", g.load.start_time_s},
              {"poisson_arrivals", g.load.poisson_arrivals}};
  if (!g.load.trace.empty()) {
    json rows = json::array();
    for (const edge::TracePoint& p : g.load.trace) {
      rows.push_back({p.time_s, p.multiplier});
    }
    out["trace"] = std::move(rows);
  }
  return out;
}

Result<rl::ParamMap> ParamsFromJson(const json& parameters) {
  return rl::ParamsFromJson(parameters, "parameters.");
}

edge::ActionEncoding EncodingFor(const std::string& model_type) {
  return model_type == "sac" || model_type == "td3"
             ? edge::ActionEncoding::kContinuous
             : edge::ActionEncoding::kJointDiscrete;
}

Status ApplyEncoding(const std::string& model_type,
                     edge::EdgeScalingConfig* config) {
  const bool factored =
      config->encoding == edge::ActionEncoding::kRelativeDiscrete ||
      config->encoding == edge::ActionEncoding::kPerService;
  const edge::ActionEncoding native = EncodingFor(model_type);
  if (factored && native == edge::ActionEncoding::kContinuous) {
    return ValidationError(
        "invalid environment",
        {{"environment.action_mode",
          "relative and per_service need a discrete-action model_type "
          "(q_learning, dqn, ppo)"}});
  }
  if (!factored) config->encoding = native;
  return Prefixed(edge::ValidateConfig(*config), "environment");
}

rl::ParamMap WithGymDefaults(const std::string& model_type,
                             const edge::EdgeScalingConfig& config,
                             rl::ParamMap user) {
  std::vector<ParamDefault> defaults;
  if (model_type == "ppo") {
    if (!user.count("n_steps") && !user.count("buffer_size") &&
        !user.count("batch_size")) {
      defaults.push_back({{"n_steps"}, "64"});
      defaults.push_back({{"batch_size"}, "32"});
    }
    defaults.push_back({{"use_running_statistics"}, "true"});
  } else if (model_type == "dqn") {
    defaults = {{{"buffer_size"}, "20000"},
                {{"learning_starts"}, "100"},
                {{"target_update_interval"}, "250"},
                {{"exploration_fraction"}, "0.3"},
                {{"train_freq"}, "1"},
                {{"use_running_statistics"}, "true"}};
  } else if (model_type == "sac" || model_type == "td3") {
    defaults = {{{"buffer_size"}, "20000"},
                {{"batch_size"}, "64"},
                {{"learning_starts"}, "100"},
                {{"hidden"}, "64,64"},
                {{"use_running_statistics"}, "true"}};
  } else if (model_type == "q_learning") {
    // Only each service's request rate (5 bins over [0, rate cap]) is
    // looked at: 5^services states instead of an astronomically large table.
    std::string bins;
    const int nodes = static_cast<int>(config.nodes.size());
    const int services = static_cast<int>(config.services.size());
    for (int i = 0; i < 3 * nodes; ++i) bins += "1,";
    for (int s = 0; s < services; ++s) bins += "1,1,5,";
    bins += "1";
    const int agent_obs = config.encoding == edge::ActionEncoding::kPerService
                              ? edge::PerServiceObservationSize(config)
                              : edge::ObservationSize(config);
    const int extra = agent_obs - (3 * (nodes + services) + 1);
    for (int i = 0; i < extra; ++i) bins += ",1";
    defaults = {{{"bins"}, bins}};
  }
  if (config.service_rewards && (model_type == "dqn" || model_type == "ppo")) {
    // Each decision is paid its own outcome and changes nothing that comes
    // after it (a contextual bandit): the learning check's setting, which
    // the docs recommend with service_rewards (docs/gym.md).
    defaults.push_back({{"gamma", "discount_factor"}, "0"});
    if (model_type == "dqn") {
      // The learning check's DQN learning rate with service rewards; the
      // rl default 1e-4 learns too slowly in the recommended budget.
      defaults.push_back({{"learning_rate"}, "0.0005"});
    }
  }
  for (const ParamDefault& d : defaults) {
    bool given = false;
    for (const std::string& name : d.names) given = given || user.count(name);
    if (!given) user[d.names.front()] = d.value;
  }
  return user;
}

Result<rl::AlgoConfig> ValidateParameters(const std::string& model_type,
                                          const edge::EdgeScalingConfig& config,
                                          const rl::ParamMap& parameters) {
  TY_ASSIGN_OR_RETURN(rl::Algo algo, rl::ParseAlgo(model_type));
  Result<rl::AlgoConfig> read = rl::ParseAlgoConfig(
      algo, WithGymDefaults(model_type, config, parameters));
  if (!read.ok()) return Prefixed(read.status(), "parameters");
  return read;
}

}  // namespace trainyard::gym
