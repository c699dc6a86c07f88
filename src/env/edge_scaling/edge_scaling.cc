#include "env/edge_scaling/edge_scaling.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "env/edge_scaling/per_service.h"
#include "env/edge_scaling/queueing.h"
#include "env/edge_scaling/replica_budget.h"

namespace trainyard::env::edge {

namespace {

constexpr double kDaySeconds = 86400.0;
constexpr double kObsCap = 10.0;  // utilisation and network-usage cap
constexpr double kCapacityTolerance = 1e-9;
constexpr int64_t kMaxJointActions = 1000000;

// Greedy placement of `counts[s]` replicas per service (see kSpread) into
// `out` (services x nodes). `cpu`/`mem` are scratch arrays of node size.
// Returns false if some replica fits on no node.
bool Spread(const EdgeScalingConfig& c, const int* counts, int* out,
            double* cpu, double* mem) {
  const int nodes = static_cast<int>(c.nodes.size());
  const int services = static_cast<int>(c.services.size());
  for (int n = 0; n < nodes; ++n) cpu[n] = mem[n] = 0.0;
  for (int s = 0; s < services; ++s) {
    const ServiceSpec& spec = c.services[s];
    for (int n = 0; n < nodes; ++n) out[s * nodes + n] = 0;
    for (int k = 0; k < counts[s]; ++k) {
      int best = -1;
      double best_free = -1.0;
      for (int n = 0; n < nodes; ++n) {
        const double free_cpu = c.nodes[n].cpu_cores - cpu[n];
        const bool fits = cpu[n] + spec.cpu_per_replica <=
                              c.nodes[n].cpu_cores + kCapacityTolerance &&
                          mem[n] + spec.memory_per_replica <=
                              c.nodes[n].memory_gib + kCapacityTolerance;
        if (fits && free_cpu > best_free) {
          best = n;
          best_free = free_cpu;
        }
      }
      if (best < 0) return false;
      cpu[best] += spec.cpu_per_replica;
      mem[best] += spec.memory_per_replica;
      ++out[s * nodes + best];
    }
  }
  return true;
}

double DefaultDelayMs(int region, int node) {
  return region == node ? 2.0 : 10.0 + 5.0 * std::abs(region - node);
}

}  // namespace

int ActionDims(const EdgeScalingConfig& c) {
  const int services = static_cast<int>(c.services.size());
  return c.placement == Placement::kSpread
             ? services
             : services * static_cast<int>(c.nodes.size());
}

void DecodeReplicaCounts(const EdgeScalingConfig& config,
                         std::span<const float> action,
                         std::span<const int> current, std::span<int> counts) {
  const int dims = static_cast<int>(counts.size());
  const int max = config.max_replicas;
  auto clamp_count = [max](double v) {
    if (!(v >= 0)) return 0;  // also NaN
    return v >= max ? max : static_cast<int>(v);
  };
  switch (config.encoding) {
    case ActionEncoding::kMultiDiscrete:
    case ActionEncoding::kPerService:
      for (int i = 0; i < dims; ++i)
        counts[i] = clamp_count(std::round(action[i]));
      break;
    case ActionEncoding::kJointDiscrete: {
      const double n = std::pow(max + 1.0, dims);
      double v = std::round(action[0]);
      v = v >= 0 ? (v < n ? v : n - 1) : 0;
      int64_t index = static_cast<int64_t>(v);
      for (int i = dims - 1; i >= 0; --i) {
        counts[i] = static_cast<int>(index % (max + 1));
        index /= max + 1;
      }
      break;
    }
    case ActionEncoding::kContinuous:
      for (int i = 0; i < dims; ++i)
        counts[i] = clamp_count(std::floor(action[i]));
      break;
    case ActionEncoding::kRelativeDiscrete: {
      const int k = config.relative_step;
      const double n = std::pow(2.0 * k + 1.0, dims);
      double v = std::round(action[0]);
      v = v >= 0 ? (v < n ? v : n - 1) : 0;
      int64_t index = static_cast<int64_t>(v);
      for (int i = dims - 1; i >= 0; --i) {
        const int move = static_cast<int>(index % (2 * k + 1)) - k;
        index /= 2 * k + 1;
        counts[i] = std::clamp(current[i] + move, 0, max);
      }
      break;
    }
  }
}

void ObservedReplicaCounts(const EdgeScalingConfig& config,
                           std::span<const float> obs, std::span<int> counts) {
  const int nodes = static_cast<int>(config.nodes.size());
  for (size_t s = 0; s < counts.size(); ++s) {
    const float v = obs[3 * nodes + 3 * s];
    counts[s] = v >= 0 ? static_cast<int>(std::lround(v)) : 0;
  }
}

int ObservationSize(const EdgeScalingConfig& config) {
  const int nodes = static_cast<int>(config.nodes.size());
  const int services = static_cast<int>(config.services.size());
  return 3 * (nodes + services) + 1 + (config.observe_time ? 2 : 0) +
         (config.observe_trend ? services : 0);
}

std::vector<ObservationField> ObservationLayout(
    const EdgeScalingConfig& config) {
  const int nodes = static_cast<int>(config.nodes.size());
  const int services = static_cast<int>(config.services.size());
  std::vector<ObservationField> out;
  out.reserve(ObservationSize(config));
  auto add = [&](std::string name, std::string unit) {
    out.push_back({std::move(name), std::move(unit)});
  };
  for (int n = 0; n < nodes; ++n) {
    const std::string p = "node" + std::to_string(n) + ".";
    add(p + "cpu_used", "fraction of the node's cores");
    add(p + "memory_used", "fraction of the node's memory");
    add(p + "network_used", "fraction of the node's bandwidth (capped at 10)");
  }
  for (int s = 0; s < services; ++s) {
    const std::string p = "service" + std::to_string(s) + ".";
    add(p + "replicas", "replicas running");
    add(p + "utilisation",
        "rho = request rate / (replicas x service rate), capped at 10; 10 "
        "with load and no replica");
    add(p + "request_rate", "requests/s");
  }
  add("mean_latency", "seconds (the step's mean over all requests)");
  if (config.observe_time) {
    add("time_of_day.sin", "sin(2 pi x hour / 24)");
    add("time_of_day.cos", "cos(2 pi x hour / 24)");
  }
  if (config.observe_trend) {
    for (int s = 0; s < services; ++s) {
      add("service" + std::to_string(s) + ".request_rate_trend",
          "requests/s minus the previous step's");
    }
  }
  const EdgeScalingEnv env(config);
  const Space& space = env.observation_space();
  for (size_t i = 0; i < out.size(); ++i) {
    out[i].low = space.low()[i];
    out[i].high = space.high()[i];
  }
  return out;
}

Result<Placement> ParsePlacement(const std::string& name) {
  if (name == "spread") return Placement::kSpread;
  if (name == "per_node") return Placement::kPerNode;
  return ValidationError("unknown placement",
                         {{"placement", "must be one of spread, per_node"}});
}

const char* PlacementName(Placement placement) {
  return placement == Placement::kSpread ? "spread" : "per_node";
}

Result<ActionEncoding> ParseActionEncoding(const std::string& name) {
  if (name == "multi_discrete") return ActionEncoding::kMultiDiscrete;
  if (name == "joint_discrete") return ActionEncoding::kJointDiscrete;
  if (name == "continuous") return ActionEncoding::kContinuous;
  if (name == "relative_discrete") return ActionEncoding::kRelativeDiscrete;
  if (name == "per_service") return ActionEncoding::kPerService;
  return ValidationError(
      "unknown action encoding",
      {{"action_encoding",
        "must be one of multi_discrete, joint_discrete, continuous, "
        "relative_discrete, per_service"}});
}

const char* ActionEncodingName(ActionEncoding encoding) {
  switch (encoding) {
    case ActionEncoding::kMultiDiscrete:
      return "multi_discrete";
    case ActionEncoding::kJointDiscrete:
      return "joint_discrete";
    case ActionEncoding::kContinuous:
      return "continuous";
    case ActionEncoding::kRelativeDiscrete:
      return "relative_discrete";
    case ActionEncoding::kPerService:
      return "per_service";
  }
  return "multi_discrete";
}

Status ValidateConfig(const EdgeScalingConfig& c) {
  std::vector<FieldError> errors;
  auto check = [&](bool ok, const std::string& field, const char* message) {
    if (!ok) errors.push_back({field, message});
  };
  const int nodes = static_cast<int>(c.nodes.size());
  const int services = static_cast<int>(c.services.size());
  check(nodes >= 1 && nodes <= 64, "nodes", "must be between 1 and 64");
  check(services >= 1 && services <= 64, "services",
        "must be between 1 and 64");
  for (int n = 0; n < nodes; ++n) {
    const NodeSpec& node = c.nodes[n];
    check(node.cpu_cores > 0 && node.memory_gib > 0 && node.network_mbps > 0,
          "nodes[" + std::to_string(n) + "]",
          "cpu_cores, memory_gib and network_mbps must be > 0");
  }
  double share = 0.0;
  for (int s = 0; s < services; ++s) {
    const ServiceSpec& spec = c.services[s];
    check(spec.cpu_per_replica >= 0 && spec.memory_per_replica >= 0 &&
              spec.service_rate > 0 && spec.request_kb >= 0 &&
              spec.traffic_share >= 0,
          "services[" + std::to_string(s) + "]",
          "service_rate must be > 0 and the other values >= 0");
    share += spec.traffic_share;
  }
  check(services == 0 || share > 0, "services",
        "traffic shares must not all be 0");
  if (!c.delay_ms.empty()) {
    bool ok = static_cast<int>(c.delay_ms.size()) == nodes;
    for (const auto& row : c.delay_ms) {
      ok = ok && static_cast<int>(row.size()) == nodes;
      for (double d : row) ok = ok && std::isfinite(d) && d >= 0;
    }
    check(ok, "delay_ms", "must be nodes x nodes values >= 0");
  }
  if (!c.region_weights.empty()) {
    bool ok = static_cast<int>(c.region_weights.size()) == nodes;
    double sum = 0.0;
    for (double w : c.region_weights) {
      ok = ok && std::isfinite(w) && w >= 0;
      sum += w;
    }
    check(ok && sum > 0, "region_weights",
          "must be one value >= 0 per node, not all 0");
  }
  check(c.max_replicas >= 1 && c.max_replicas <= 64, "max_replicas",
        "must be between 1 and 64");
  check(c.initial_replicas >= 0 && c.initial_replicas <= c.max_replicas,
        "initial_replicas", "must be between 0 and max_replicas");
  check(c.episode_steps >= 1 && c.episode_steps <= 1000000, "episode_steps",
        "must be between 1 and 1000000");
  check(c.step_seconds > 0 && c.step_seconds <= 1e6, "step_seconds",
        "must be in (0, 1e6]");
  check(
      c.replica_cost >= 0 && c.imbalance_cost >= 0 && c.infeasible_penalty >= 0,
      "reward", "costs and penalty must be >= 0");
  check(c.unstable_latency_s > 0 && std::isfinite(c.unstable_latency_s),
        "unstable_latency_s", "must be > 0");
  check(c.latency_slo_ms > 0, "latency_slo_ms", "must be > 0");
  const double most_replicas =
      static_cast<double>(ActionDims(c)) * c.max_replicas;
  check(c.replica_budget >= 0 && c.replica_budget <= most_replicas,
        "replica_budget",
        "must be between 0 and the replicas of a full action");
  check(c.replica_budget_step > 0 && c.replica_budget_step <= 1,
        "replica_budget_step", "must be in (0, 1]");
  if (c.encoding == ActionEncoding::kJointDiscrete && errors.empty()) {
    double joint = std::pow(c.max_replicas + 1.0, ActionDims(c));
    check(joint <= kMaxJointActions, "action_encoding",
          "joint_discrete needs (max_replicas + 1)^dims <= 1000000");
  }
  if (c.encoding == ActionEncoding::kPerService) {
    check(c.placement == Placement::kSpread, "action_encoding",
          "per_service needs placement spread");
  }
  check(!c.service_rewards || c.encoding == ActionEncoding::kPerService,
        "service_rewards", "needs the per_service action mode");
  if (c.encoding == ActionEncoding::kRelativeDiscrete && errors.empty()) {
    check(c.placement == Placement::kSpread, "action_encoding",
          "relative_discrete needs placement spread");
    check(c.relative_step >= 1 && c.relative_step <= c.max_replicas,
          "relative_step", "must be between 1 and max_replicas");
    double joint = std::pow(2.0 * c.relative_step + 1.0, ActionDims(c));
    check(joint <= kMaxJointActions, "action_encoding",
          "relative_discrete needs (2 relative_step + 1)^dims <= 1000000");
  }
  if (errors.empty()) {
    std::vector<int> counts(services, c.initial_replicas);
    std::vector<int> out(services * nodes);
    std::vector<double> cpu(nodes), mem(nodes);
    check(Spread(c, counts.data(), out.data(), cpu.data(), mem.data()),
          "initial_replicas", "the initial replicas do not fit the nodes");
  }
  Status load = ValidateLoadConfig(c.load);
  if (!load.ok()) {
    for (const FieldError& e : load.details()) errors.push_back(e);
  }
  if (errors.empty()) return Status::Ok();
  return ValidationError("invalid EdgeScaling-v0 configuration",
                         std::move(errors));
}

EdgeScalingEnv::EdgeScalingEnv(EdgeScalingConfig config)
    : config_(std::move(config)),
      num_nodes_(static_cast<int>(config_.nodes.size())),
      num_services_(static_cast<int>(config_.services.size())),
      obs_space_(Space::Discrete(1)),
      action_space_(Space::Discrete(1)) {
  const int n = num_nodes_, s = num_services_;
  delay_ms_.resize(n * n);
  for (int r = 0; r < n; ++r) {
    for (int k = 0; k < n; ++k) {
      delay_ms_[r * n + k] = config_.delay_ms.empty() ? DefaultDelayMs(r, k)
                                                      : config_.delay_ms[r][k];
    }
  }
  region_weight_.assign(n, 1.0 / n);
  if (!config_.region_weights.empty()) {
    double sum = 0.0;
    for (double w : config_.region_weights) sum += w;
    for (int r = 0; r < n; ++r)
      region_weight_[r] = config_.region_weights[r] / sum;
  }
  double share = 0.0;
  for (const ServiceSpec& spec : config_.services) share += spec.traffic_share;
  for (const ServiceSpec& spec : config_.services) {
    service_weight_.push_back(spec.traffic_share / share);
  }

  const int dims = ActionDims(config_);
  const int64_t choices = config_.max_replicas + 1;
  switch (config_.encoding) {
    case ActionEncoding::kMultiDiscrete:
    case ActionEncoding::kPerService:
      action_space_ = Space::MultiDiscrete(std::vector<int64_t>(dims, choices));
      break;
    case ActionEncoding::kJointDiscrete: {
      int64_t joint = 1;
      for (int i = 0; i < dims; ++i) joint *= choices;
      action_space_ = Space::Discrete(joint);
      break;
    }
    case ActionEncoding::kContinuous:
      action_space_ = Space::Box(0.0f, static_cast<float>(choices), dims);
      break;
    case ActionEncoding::kRelativeDiscrete: {
      int64_t joint = 1;
      for (int i = 0; i < dims; ++i) joint *= 2 * config_.relative_step + 1;
      action_space_ = Space::Discrete(joint);
      break;
    }
  }

  const bool per_node = config_.placement == Placement::kPerNode;
  std::vector<float> low(3 * (n + s) + 1, 0.0f), high;
  for (int k = 0; k < n; ++k) {
    high.insert(high.end(), {1.0f, 1.0f, static_cast<float>(kObsCap)});
  }
  for (const ServiceSpec& spec : config_.services) {
    const double max_count = config_.max_replicas * (per_node ? n : 1);
    high.push_back(static_cast<float>(max_count));
    high.push_back(static_cast<float>(kObsCap));
    high.push_back(static_cast<float>(2.0 * max_count * spec.service_rate));
  }
  high.push_back(static_cast<float>(config_.unstable_latency_s));
  if (config_.observe_time) {
    low.insert(low.end(), {-1.0f, -1.0f});
    high.insert(high.end(), {1.0f, 1.0f});
  }
  if (config_.observe_trend) {
    for (int k = 0; k < s; ++k) {
      const float cap = high[obs_service_offset(k) + 2];
      low.push_back(-cap);
      high.push_back(cap);
    }
  }
  obs_space_ = Space::Box(std::move(low), std::move(high));

  target_.assign(dims, 0);
  candidate_.assign(s * n, 0);
  placement_.assign(s * n, 0);
  service_replicas_.assign(s, 0);
  rate_.assign(n * s, 0.0);
  service_rate_sum_.assign(s, 0.0);
  previous_rate_sum_.assign(s, 0.0);
  utilisation_.assign(s, 0.0);
  response_s_.assign(s, 0.0);
  node_cpu_.assign(n, 0.0);
  node_mem_.assign(n, 0.0);
  node_net_.assign(n, 0.0);
  next_counts_.assign(s, 0);
  next_placement_.assign(s * n, 0);
  next_cpu_.assign(n, 0.0);
  next_mem_.assign(n, 0.0);
}

Result<std::unique_ptr<EdgeScalingEnv>> EdgeScalingEnv::Create(
    EdgeScalingConfig config) {
  TY_RETURN_IF_ERROR(ValidateConfig(config));
  return std::make_unique<EdgeScalingEnv>(std::move(config));
}

void EdgeScalingEnv::Reset(std::optional<uint64_t> seed, std::span<float> obs,
                           Info* info) {
  if (seed) rng_.Seed(*seed);
  step_ = 0;
  burst_left_ = 0;
  const LoadConfig& load = config_.load;
  if (load.start_time_s >= 0) {
    start_time_s_ = load.start_time_s;
  } else if (load.shape == LoadShape::kTrace) {
    start_time_s_ = rng_.Uniform(0.0, TracePeriod(load.trace));
  } else {
    start_time_s_ = rng_.Uniform(0.0, kDaySeconds);
  }
  time_s_ = start_time_s_;
  next_load_drawn_ = false;
  std::fill(target_.begin(), target_.end(), 0);
  for (int s = 0; s < num_services_; ++s) target_[s] = config_.initial_replicas;
  // ValidateConfig checked that the initial replicas fit.
  Spread(config_, target_.data(), placement_.data(), node_cpu_.data(),
         node_mem_.data());
  DrawRates(time_s_);
  Measure(false);
  // No earlier step: the trend starts at 0.
  previous_rate_sum_ = service_rate_sum_;
  WriteObservation(obs);
  FillInfo(info);
}

StepResult EdgeScalingEnv::Step(std::span<const float> action,
                                std::span<float> obs, Info* info) {
  DecodeAction(action);
  bool fits;
  if (config_.placement == Placement::kSpread) {
    // The greedy placement depends only on the counts: unchanged counts
    // keep the current placement.
    if (std::equal(target_.begin(), target_.end(), service_replicas_.begin())) {
      candidate_ = placement_;
      fits = true;
    } else {
      fits = Spread(config_, target_.data(), candidate_.data(),
                    node_cpu_.data(), node_mem_.data());
    }
  } else {
    std::copy(target_.begin(), target_.end(), candidate_.begin());
    fits = Fits();
  }
  if (fits) placement_.swap(candidate_);
  ++step_;
  time_s_ = start_time_s_ + step_ * config_.step_seconds;
  previous_rate_sum_.swap(service_rate_sum_);
  if (!next_load_drawn_) DrawRates(time_s_);
  next_load_drawn_ = false;
  Measure(!fits);
  WriteObservation(obs);
  FillInfo(info);
  StepResult result;
  result.reward = -metrics_.mean_latency_s -
                  config_.replica_cost * metrics_.total_replicas -
                  config_.imbalance_cost * metrics_.imbalance -
                  (fits ? 0.0 : config_.infeasible_penalty);
  result.truncated = step_ >= config_.episode_steps;
  return result;
}

void EdgeScalingEnv::DecodeAction(std::span<const float> action) {
  // service_replicas_ holds the running counts (kSpread: one per service,
  // the only placement kRelativeDiscrete allows).
  DecodeReplicaCounts(config_, action, service_replicas_, target_);
}

bool EdgeScalingEnv::Fits() const {
  for (int n = 0; n < num_nodes_; ++n) {
    double cpu = 0.0, mem = 0.0;
    for (int s = 0; s < num_services_; ++s) {
      const int count = candidate_[s * num_nodes_ + n];
      cpu += count * config_.services[s].cpu_per_replica;
      mem += count * config_.services[s].memory_per_replica;
    }
    if (cpu > config_.nodes[n].cpu_cores + kCapacityTolerance ||
        mem > config_.nodes[n].memory_gib + kCapacityTolerance) {
      return false;
    }
  }
  return true;
}

double EdgeScalingEnv::LoadMultiplier(double time_s) {
  const LoadConfig& load = config_.load;
  switch (load.shape) {
    case LoadShape::kConstant:
      return 1.0;
    case LoadShape::kDiurnal:
      return DiurnalMultiplier(load.diurnal, load.diurnal_amplitude, time_s);
    case LoadShape::kBursts:
      if (burst_left_ > 0) {
        --burst_left_;
        return load.burst_factor;
      }
      if (rng_.Uniform() < load.burst_probability) {
        burst_left_ = load.burst_steps - 1;
        return load.burst_factor;
      }
      return 1.0;
    case LoadShape::kTrace:
      return TraceMultiplier(load.trace, time_s);
  }
  return 1.0;
}

void EdgeScalingEnv::DrawRates(double time_s) {
  const double base = config_.load.base_rate() * LoadMultiplier(time_s);
  const double dt = config_.step_seconds;
  for (int s = 0; s < num_services_; ++s) {
    // One Poisson draw per service; the regions get their shares of it.
    const double mean = base * service_weight_[s];
    const double rate = config_.load.poisson_arrivals
                            ? static_cast<double>(rng_.Poisson(mean * dt)) / dt
                            : mean;
    for (int r = 0; r < num_nodes_; ++r) {
      rate_[r * num_services_ + s] = rate * region_weight_[r];
    }
  }
}

double EdgeScalingEnv::ResponseTime(int s, int replicas, double lambda) const {
  const double mu = config_.services[s].service_rate;
  if (lambda <= 0.0) return 1.0 / mu;
  if (lambda >= replicas * mu) return std::numeric_limits<double>::infinity();
  const double w = MmcResponseTime(replicas, lambda, mu);
  // Close to rho = 1 the mean response time grows without bound; past the
  // unstable latency the requests count as timed out (failed).
  return w >= config_.unstable_latency_s
             ? std::numeric_limits<double>::infinity()
             : w;
}

double EdgeScalingEnv::RequestLatencyS(const int* row, int replicas,
                                       double response_s, int region) const {
  if (!std::isfinite(response_s)) return config_.unstable_latency_s;
  double delay_ms = 0.0;
  for (int n = 0; n < num_nodes_; ++n) {
    delay_ms += row[n] * delay_ms_[region * num_nodes_ + n];
  }
  delay_ms /= replicas;
  return delay_ms / 1000.0 + response_s;
}

void EdgeScalingEnv::DrawNextLoad() {
  if (next_load_drawn_) return;
  // At the time Step will give the next step (diurnal and trace loads
  // depend on it).
  DrawRates(start_time_s_ + (step_ + 1) * config_.step_seconds);
  next_load_drawn_ = true;
}

double EdgeScalingEnv::NextServiceLatency(int service,
                                          std::span<const int> counts) {
  for (int s = 0; s < num_services_; ++s) {
    next_counts_[s] = s <= service ? counts[s] : 0;
  }
  // Spread places services in order, so service's replicas land where the
  // full step would put them. Counts that do not fit make the step
  // infeasible, which keeps the current placement: price that instead.
  const bool fits = Spread(config_, next_counts_.data(), next_placement_.data(),
                           next_cpu_.data(), next_mem_.data());
  const int* row = fits ? &next_placement_[service * num_nodes_]
                        : &placement_[service * num_nodes_];
  int replicas = 0;
  for (int n = 0; n < num_nodes_; ++n) replicas += row[n];
  double lambda = 0.0, offered = 0.0;
  for (int r = 0; r < num_nodes_; ++r) {
    lambda += rate_[r * num_services_ + service];
    for (int s = 0; s < num_services_; ++s)
      offered += rate_[r * num_services_ + s];
  }
  if (offered <= 0.0) return 0.0;
  const double response_s = ResponseTime(service, replicas, lambda);
  double sum = 0.0;
  for (int r = 0; r < num_nodes_; ++r) {
    const double rate = rate_[r * num_services_ + service];
    if (rate <= 0.0) continue;
    sum += rate * RequestLatencyS(row, replicas, response_s, r);
  }
  return sum / offered;
}

void EdgeScalingEnv::Measure(bool infeasible) {
  const int n_nodes = num_nodes_;
  StepMetrics m;
  m.infeasible = infeasible;
  for (int s = 0; s < num_services_; ++s) {
    const ServiceSpec& spec = config_.services[s];
    int c = 0;
    for (int n = 0; n < n_nodes; ++n) c += placement_[s * n_nodes + n];
    double lambda = 0.0;
    for (int r = 0; r < n_nodes; ++r) lambda += rate_[r * num_services_ + s];
    service_replicas_[s] = c;
    service_rate_sum_[s] = lambda;
    m.total_replicas += c;
    const double capacity = c * spec.service_rate;
    if (lambda <= 0.0) {
      utilisation_[s] = 0.0;
    } else if (lambda >= capacity) {
      utilisation_[s] = c > 0 ? std::min(lambda / capacity, kObsCap) : kObsCap;
    } else {
      utilisation_[s] = lambda / capacity;
    }
    response_s_[s] = ResponseTime(s, c, lambda);
  }
  double latency_sum = 0.0, served_sum = 0.0;
  for (int r = 0; r < n_nodes; ++r) {
    for (int s = 0; s < num_services_; ++s) {
      const double rate = rate_[r * num_services_ + s];
      if (rate <= 0.0) continue;
      m.offered_rate += rate;
      const double latency =
          rate * RequestLatencyS(&placement_[s * n_nodes], service_replicas_[s],
                                 response_s_[s], r);
      if (std::isfinite(response_s_[s])) {
        m.throughput += rate;
        served_sum += latency;
      } else {
        m.failed_rate += rate;
      }
      latency_sum += latency;
    }
  }
  m.mean_latency_s = m.offered_rate > 0 ? latency_sum / m.offered_rate : 0.0;
  m.served_latency_s = m.throughput > 0 ? served_sum / m.throughput : 0.0;

  double cpu_mean = 0.0;
  for (int n = 0; n < n_nodes; ++n) {
    double cpu = 0.0, mem = 0.0, mbps = 0.0;
    for (int s = 0; s < num_services_; ++s) {
      const ServiceSpec& spec = config_.services[s];
      const int count = placement_[s * n_nodes + n];
      cpu += count * spec.cpu_per_replica;
      mem += count * spec.memory_per_replica;
      if (count > 0) {
        mbps += service_rate_sum_[s] * count / service_replicas_[s] *
                spec.request_kb * 8.0 / 1000.0;
      }
    }
    node_cpu_[n] = cpu / config_.nodes[n].cpu_cores;
    node_mem_[n] = mem / config_.nodes[n].memory_gib;
    node_net_[n] = std::min(mbps / config_.nodes[n].network_mbps, kObsCap);
    cpu_mean += node_cpu_[n];
  }
  cpu_mean /= n_nodes;
  double var = 0.0;
  for (int n = 0; n < n_nodes; ++n) {
    var += (node_cpu_[n] - cpu_mean) * (node_cpu_[n] - cpu_mean);
  }
  m.imbalance = std::sqrt(var / n_nodes);
  m.met_slo = m.failed_rate == 0.0 &&
              m.mean_latency_s * 1000.0 <= config_.latency_slo_ms;
  metrics_ = m;
}

void EdgeScalingEnv::WriteObservation(std::span<float> obs) const {
  const std::vector<float>& high = obs_space_.high();
  for (int n = 0; n < num_nodes_; ++n) {
    const int o = obs_node_offset(n);
    obs[o] = static_cast<float>(node_cpu_[n]);
    obs[o + 1] = static_cast<float>(node_mem_[n]);
    obs[o + 2] = static_cast<float>(node_net_[n]);
  }
  for (int s = 0; s < num_services_; ++s) {
    const int o = obs_service_offset(s);
    obs[o] = static_cast<float>(service_replicas_[s]);
    obs[o + 1] = static_cast<float>(utilisation_[s]);
    obs[o + 2] =
        std::min(static_cast<float>(service_rate_sum_[s]), high[o + 2]);
  }
  obs[obs_latency_offset()] = static_cast<float>(metrics_.mean_latency_s);
  if (config_.observe_time) {
    const double phase =
        2.0 * M_PI * std::fmod(time_s_, kDaySeconds) / kDaySeconds;
    obs[obs_time_offset()] = static_cast<float>(std::sin(phase));
    obs[obs_time_offset() + 1] = static_cast<float>(std::cos(phase));
  }
  if (config_.observe_trend) {
    for (int s = 0; s < num_services_; ++s) {
      const int o = obs_trend_offset() + s;
      const float trend = static_cast<float>(service_rate_sum_[s] -
                                             previous_rate_sum_[s]);
      obs[o] = std::clamp(trend, obs_space_.low()[o], high[o]);
    }
  }
}

void EdgeScalingEnv::FillInfo(Info* info) const {
  if (info == nullptr) return;
  (*info)["mean_latency_ms"] = metrics_.mean_latency_s * 1000.0;
  (*info)["offered_rate"] = metrics_.offered_rate;
  (*info)["throughput"] = metrics_.throughput;
  (*info)["failed_rate"] = metrics_.failed_rate;
  (*info)["total_replicas"] = metrics_.total_replicas;
  (*info)["imbalance"] = metrics_.imbalance;
  (*info)["infeasible"] = metrics_.infeasible ? 1.0 : 0.0;
  (*info)["met_slo"] = metrics_.met_slo ? 1.0 : 0.0;
}

Status RegisterEdgeScaling(Registry* registry, const EdgeScalingConfig& config,
                           const std::string& id) {
  TY_RETURN_IF_ERROR(ValidateConfig(config));
  Spec spec;
  spec.id = id;
  spec.max_episode_steps = 0;  // the env truncates itself
  spec.make = [config]() -> std::unique_ptr<Env> {
    return MakeTrainingEnv(config);
  };
  return registry->Register(std::move(spec));
}

}  // namespace trainyard::env::edge
