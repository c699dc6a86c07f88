// EdgeScaling-v0: choose how many replicas of each service run on a cluster
// of edge nodes so that users see low latency at low cost. Requests arrive
// from regions (one per node) at rates set by a load profile; each service's
// replicas form one M/M/c queue (Erlang C) and a request also pays the
// network delay from its region to the node that serves it. docs/gym.md
// describes the model, observation, reward and defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/status.h"
#include "env/edge_scaling/load_profile.h"
#include "env/env.h"

namespace trainyard::env::edge {

inline constexpr const char* kEnvId = "EdgeScaling-v0";

struct NodeSpec {
  double cpu_cores = 4.0;
  double memory_gib = 8.0;
  double network_mbps = 1000.0;
};

struct ServiceSpec {
  double cpu_per_replica = 0.5;     // cores
  double memory_per_replica = 1.0;  // GiB
  double service_rate = 10.0;       // mu: requests/s one replica completes
  double request_kb = 50.0;         // response size, for network usage
  double traffic_share = 1.0;       // relative share of all requests
};

// How replicas are placed on nodes.
enum class Placement {
  // The agent sets a count per service; replicas go one by one (services in
  // order) to the node with the most free CPU that fits them (ties: lowest
  // node index).
  kSpread,
  // The agent sets a count per (service, node), row-major by service.
  kPerNode,
};

// How the action vector encodes the replica counts (the RL algorithms need
// different space kinds; the decoded counts are the same).
enum class ActionEncoding {
  kMultiDiscrete,  // MultiDiscrete([max_replicas + 1] x dims)
  kJointDiscrete,  // Discrete(prod): index = mixed-radix number, dim 0 first
  kContinuous,     // Box(0, max_replicas + 1, dims): count = floor, clamped
  // Discrete((2k + 1)^dims), k = relative_step: digit i (mixed radix, dim 0
  // first) minus k is the change of service i's count from its current
  // count (clamped to [0, max_replicas]). Factors the decision per service
  // into -k..+k moves: 81 actions for 4 services and k = 1 instead of the
  // 625 of kJointDiscrete. kSpread placement only.
  kRelativeDiscrete,
  // One decision per service: agents train on PerServiceEnv
  // (per_service.h), which asks for one count per sub-step
  // (Discrete(max_replicas + 1)); EdgeScalingEnv itself then takes a
  // multi_discrete action. kSpread placement only.
  kPerService,
};

struct EdgeScalingConfig {
  std::vector<NodeSpec> nodes = std::vector<NodeSpec>(4);
  std::vector<ServiceSpec> services = std::vector<ServiceSpec>(4);
  // Round-trip network delay (ms) from region r (users near node r) to node
  // n; empty = 2 ms to the own node, 10 + 5 |r - n| ms to others.
  std::vector<std::vector<double>> delay_ms;
  // Share of users in each region; empty = equal shares.
  std::vector<double> region_weights;
  int max_replicas = 4;        // per service (kSpread) or per node (kPerNode)
  int initial_replicas = 1;    // per service at reset (placed as kSpread)
  int episode_steps = 5;       // steps until truncation
  double step_seconds = 60.0;  // simulated time per step
  LoadConfig load;
  Placement placement = Placement::kSpread;
  ActionEncoding encoding = ActionEncoding::kMultiDiscrete;
  double replica_cost = 0.1;         // reward per running replica
  double imbalance_cost = 0.1;       // reward per unit of CPU-usage std
  double infeasible_penalty = 1.0;   // reward for an action that does not fit
  double unstable_latency_s = 10.0;  // latency of requests to a rho >= 1 queue
  double latency_slo_ms = 200.0;     // a step meets the objective below this
  int relative_step = 1;  // k of kRelativeDiscrete: moves -k..+k per step
  // Training only (replica_budget.h): with replica_budget > 0 the env that
  // RegisterEdgeScaling builds charges an adaptive price per replica,
  // starting at replica_cost and moved by replica_budget_step x (replicas -
  // replica_budget) after every step, so that the agent learns to run about
  // replica_budget replicas on average. EdgeScalingEnv itself (evaluation,
  // reconcile) always charges replica_cost. 0 = off.
  double replica_budget = 0.0;
  double replica_budget_step = 1e-4;
  // Extra observation features, appended after the mean latency (off by
  // default so that the 3 (nodes + services) + 1 layout stays as it was):
  bool observe_time = false;   // sin, cos of the time of day (2 values)
  bool observe_trend = false;  // per service: request-rate change (req/s)
  // per_service encoding only (per_service.h): each sub-step pays its own
  // service's part of the next step's reward at once instead of the whole
  // reward arriving on the last sub-step. Same total per step.
  bool service_rewards = false;
};

// Parses/prints enum names for the API: "spread"/"per_node";
// "multi_discrete"/"joint_discrete"/"continuous"/"relative_discrete"/
// "per_service".
Result<Placement> ParsePlacement(const std::string& name);
const char* PlacementName(Placement placement);
Result<ActionEncoding> ParseActionEncoding(const std::string& name);
// The name ParseActionEncoding reads.
const char* ActionEncodingName(ActionEncoding encoding);

// VALIDATION_ERROR with one field per bad setting.
Status ValidateConfig(const EdgeScalingConfig& config);

// Number of replica counts an action sets: services (kSpread) or services x
// nodes (kPerNode).
int ActionDims(const EdgeScalingConfig& config);

// Decodes `action` (config.encoding) into ActionDims(config) replica counts,
// each clamped to [0, max_replicas]: multi_discrete rounds, continuous
// floors, joint_discrete reads the mixed-radix index (dimension 0 most
// significant, out-of-range indices clamped), relative_discrete reads the
// mixed-radix moves and adds them to `current` (the running counts; ignored
// by the other encodings). NaN counts as 0. Does not allocate. REQUIRES:
// action sized for the action space, counts.size() == ActionDims(config),
// and for relative_discrete current.size() == counts.size().
void DecodeReplicaCounts(const EdgeScalingConfig& config,
                         std::span<const float> action,
                         std::span<const int> current, std::span<int> counts);

// The running replica count of every service as the observation reports it
// (kSpread). Does not allocate. REQUIRES: obs sized for the observation
// space, counts.size() == number of services.
void ObservedReplicaCounts(const EdgeScalingConfig& config,
                           std::span<const float> obs, std::span<int> counts);

// Size of the observation vector for `config` (see EdgeScalingEnv).
int ObservationSize(const EdgeScalingConfig& config);

// One value of the observation, for people and clients: its name (e.g.
// "node0.cpu_used", "service2.utilisation", "mean_latency"), its unit and
// the bounds of the observation space.
struct ObservationField {
  std::string name;
  std::string unit;
  float low = 0.0f;
  float high = 0.0f;
};

// The observation layout of an env with `config`, in observation order
// (ObservationSize(config) fields). REQUIRES: ValidateConfig(config).ok().
std::vector<ObservationField> ObservationLayout(
    const EdgeScalingConfig& config);

// What one step measured, for callers that evaluate policies (reconcile,
// benchmarks) without an Info map.
struct StepMetrics {
  // Over all requests of the step; a failed request (unstable or timed-out
  // queue) counts as unstable_latency_s.
  double mean_latency_s = 0.0;
  // Over the served requests only (0 when none was served).
  double served_latency_s = 0.0;
  double offered_rate = 0.0;    // requests/s that arrived
  double throughput = 0.0;      // requests/s served by stable queues
  double failed_rate = 0.0;     // requests/s sent to unstable queues
  int total_replicas = 0;
  double imbalance = 0.0;   // population std of node CPU usage
  bool infeasible = false;  // the action did not fit; previous kept
  bool met_slo = false;     // no failed requests, latency <= SLO
};

// Observation (Box, all bounds finite), in this order:
//   per node n:    cpu used / capacity, memory used / capacity,
//                  network used / capacity (capped at 10)       [3 x nodes]
//   per service s: replicas, utilisation rho = lambda / (c mu) (capped at 10;
//                  10 with no replica and some load), request rate (req/s,
//                  capped at rate_cap)                           [3 x services]
//   mean latency of the step in seconds (<= unstable_latency_s)  [1]
//   observe_time:  sin, cos of 2 pi x (time of day of the step) / 24 h [2]
//   observe_trend: per service, request rate minus the previous step's
//                  (req/s, within +-rate_cap; 0 at Reset)     [services]
// where rate_cap = 2 x max_replicas x mu of that service.
// Reward: -mean latency (s) - replica_cost x replicas - imbalance_cost x
// imbalance - infeasible_penalty when the action did not fit (the previous
// placement then stays). Never terminates; truncates after episode_steps.
// Info keys (when asked): mean_latency_ms, offered_rate, throughput,
// failed_rate, total_replicas, imbalance, infeasible, met_slo.
class EdgeScalingEnv final : public Env {
 public:
  // REQUIRES: ValidateConfig(config).ok() (use Create to check).
  explicit EdgeScalingEnv(EdgeScalingConfig config);
  static Result<std::unique_ptr<EdgeScalingEnv>> Create(
      EdgeScalingConfig config);

  const Space& observation_space() const override { return obs_space_; }
  const Space& action_space() const override { return action_space_; }
  void Reset(std::optional<uint64_t> seed, std::span<float> obs,
             Info* info = nullptr) override;
  StepResult Step(std::span<const float> action, std::span<float> obs,
                  Info* info = nullptr) override;

  const EdgeScalingConfig& config() const { return config_; }
  // Measurements of the last Reset/Step.
  const StepMetrics& last_metrics() const { return metrics_; }
  // Replicas of service s on node n in the current placement.
  int replicas(int service, int node) const {
    return placement_[service * num_nodes_ + node];
  }
  // Simulated time (s) of the current step.
  double time_s() const { return time_s_; }

  // Draws the load of the next step now, so that a caller can price a
  // decision before stepping (PerServiceEnv with service_rewards); the next
  // Step uses this load instead of drawing one. It draws from the same
  // random stream in the same order as Step would, so trajectories do not
  // change. A second call before Step does nothing. Does not allocate.
  void DrawNextLoad();

  // The share (seconds) of the next step's mean latency that `service`'s
  // requests would take if services 0..service ran `counts` replicas
  // (kSpread placement of those services, later ones ignored) under the
  // load DrawNextLoad drew: their rate-weighted latency (unstable queues
  // at unstable_latency_s) over the offered rate of all services. With
  // the final counts the shares sum to the next step's mean latency when
  // the action fits. Does not allocate. REQUIRES: DrawNextLoad called since
  // the last Reset/Step, placement kSpread, counts.size() == services.
  double NextServiceLatency(int service, std::span<const int> counts);

  // Offsets of the observation's blocks.
  int obs_node_offset(int node) const { return 3 * node; }
  int obs_service_offset(int service) const {
    return 3 * num_nodes_ + 3 * service;
  }
  int obs_latency_offset() const { return 3 * (num_nodes_ + num_services_); }
  // Offsets of the optional blocks; -1 when the feature is off.
  int obs_time_offset() const {
    return config_.observe_time ? obs_latency_offset() + 1 : -1;
  }
  int obs_trend_offset() const {
    return config_.observe_trend
               ? obs_latency_offset() + 1 + (config_.observe_time ? 2 : 0)
               : -1;
  }

 private:
  // Writes the counts the action asks for into target_ (per service for
  // kSpread, per service and node for kPerNode).
  void DecodeAction(std::span<const float> action);
  // Fills candidate_ from per-service counts; false if a replica fits
  // nowhere.
  bool SpreadPlacement(const int* counts);
  // True if candidate_ fits every node's CPU and memory.
  bool Fits() const;
  // The load of the step at simulated time `time_s`.
  double LoadMultiplier(double time_s);
  void DrawRates(double time_s);
  // Mean response time (s) of `replicas` replicas of service s at arrival
  // rate `lambda`; infinity for an unstable queue (rho >= 1, or a response
  // at least unstable_latency_s).
  double ResponseTime(int s, int replicas, double lambda) const;
  // Latency (s) of a request from `region` to a service with mean response
  // time `response_s`, placed as `row` (replicas per node, `replicas` in
  // all): the mean network delay plus the response time, or
  // unstable_latency_s for an unstable queue (infinite response_s; then
  // the placement is not read).
  double RequestLatencyS(const int* row, int replicas, double response_s,
                         int region) const;
  void Measure(bool infeasible);
  void WriteObservation(std::span<float> obs) const;
  void FillInfo(Info* info) const;

  EdgeScalingConfig config_;
  int num_nodes_, num_services_;
  Space obs_space_, action_space_;
  std::vector<double> delay_ms_;        // regions x nodes
  std::vector<double> region_weight_;   // sums to 1
  std::vector<double> service_weight_;  // sums to 1
  Rng rng_;
  int step_ = 0;
  double start_time_s_ = 0.0, time_s_ = 0.0;
  int burst_left_ = 0;
  bool next_load_drawn_ = false;  // DrawNextLoad ran since the last step
  std::vector<int> target_;     // decoded action
  std::vector<int> candidate_;  // services x nodes
  std::vector<int> placement_;  // services x nodes, current
  std::vector<int> service_replicas_;
  std::vector<double> rate_;  // regions x services, requests/s
  std::vector<double> service_rate_sum_, utilisation_, response_s_;
  std::vector<double> previous_rate_sum_;  // per service, the step before
  std::vector<double> node_cpu_, node_mem_, node_net_;
  // Scratch of NextServiceLatency.
  std::vector<int> next_counts_, next_placement_;
  std::vector<double> next_cpu_, next_mem_;
  StepMetrics metrics_;
};

// Registers kEnvId (or `id`) building EdgeScalingEnv(config) — or
// PerServiceEnv(config) for the per_service encoding, wrapped in
// ReplicaBudgetEnv when config.replica_budget > 0 — with no extra time
// limit (the env truncates itself). CONFLICT if the id is taken;
// VALIDATION_ERROR for a bad config.
Status RegisterEdgeScaling(Registry* registry, const EdgeScalingConfig& config,
                           const std::string& id = kEnvId);

}  // namespace trainyard::env::edge
