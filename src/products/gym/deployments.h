// Local serving of deployed gym models: a deployment is N replicas (each its
// own loaded rl::Policy) inside the server process, answering predict
// requests; redeploying replaces the replicas with the rolling (new set
// ready before the old one goes) or recreate (old set removed first)
// strategy. Every request's latency, the CPU time of the deployment's
// forward passes (per-thread CPU clocks) and the heap its loaded replicas
// hold are recorded for the model metrics endpoint.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "env/edge_scaling/baselines.h"
#include "products/gym/time_series.h"

namespace trainyard::rl {
class Policy;
}

namespace trainyard::gym {

struct DeploySpec {
  int replicas = 1;
  std::string strategy = "rolling";  // or "recreate"
};

// Thread-safe. Loading happens on a background thread owned by the manager;
// the destructor waits for it.
class DeploymentManager {
 public:
  explicit DeploymentManager(const Clock* clock) : clock_(clock) {}
  ~DeploymentManager();

  // Starts loading `spec.replicas` copies of the policy at `policy_path`
  // for `model_id` and returns at once (status "deploying"). When the set
  // is loaded it replaces the current one, then `on_done(status)` is
  // called with OK or the load error (on the loading thread), then the
  // status becomes "deployed" (or "failed").
  void Deploy(const std::string& model_id, const std::string& policy_path,
              const DeploySpec& spec,
              std::function<void(const Status&)> on_done);

  // "deploying", "deployed", "failed" or "" (never deployed here).
  std::string StatusOf(const std::string& model_id) const;

  // How a request's action is made from a replica's policy when one policy
  // call is not the whole answer (per_service models call it per service):
  // writes the action for `observation` into *action using `replica_act`.
  using Adapter = std::function<Status(const env::edge::ActFn& replica_act,
                                       std::span<const float> observation,
                                       std::vector<float>* action)>;

  // The action for one observation from the least busy replica (through
  // `adapter` when given; it runs while the replica is held).
  // NOT_FOUND if the model has no deployment here; SERVICE_UNAVAILABLE while
  // a recreate is loading or after a failed load; VALIDATION_ERROR for an
  // observation of the wrong size or with non-finite values.
  Result<std::vector<float>> Predict(const std::string& model_id,
                                     std::span<const float> observation,
                                     bool deterministic,
                                     const Adapter* adapter = nullptr);

  // {"latency", "throughput", "resource_usage": {"cpu", "memory"}} series
  // of `model_id` over `window`; empty series if nothing was recorded.
  // cpu: cores the deployment's forward passes used (their thread CPU time
  // per wall second, sampled at most once a second while requests arrive);
  // memory: MiB of heap its serving replicas hold (measured at load).
  nlohmann::json Metrics(const std::string& model_id,
                         const Window& window) const;

 private:
  struct Replica {
    std::mutex mu;
    std::unique_ptr<rl::Policy> policy;
  };
  struct ReplicaSet {
    std::vector<std::unique_ptr<Replica>> replicas;
    std::atomic<uint64_t> next{0};
    int64_t heap_bytes = 0;  // heap growth while loading, >= 0
  };
  struct Deployment {
    std::string status;
    std::shared_ptr<ReplicaSet> serving;  // null while recreating
    SampleBuffer latency_ms{100000}, requests{100000}, cpu{20000},
        memory{20000};
    std::mutex sample_mu;
    int64_t last_sample_ms = 0;
    // CPU ns of every forward pass so far, and its value at the last sample.
    std::atomic<int64_t> cpu_ns{0};
    int64_t last_cpu_ns = 0, last_wall_ns = -1;
    std::atomic<int64_t> model_bytes{0};  // of the serving set
  };

  std::shared_ptr<Deployment> Find(const std::string& model_id) const;
  // Records the deployment's CPU and memory at most once a second.
  void SampleUsage(Deployment& d, int64_t now_ms);

  const Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Deployment>> deployments_;
  std::vector<std::thread> loaders_;
};

}  // namespace trainyard::gym
