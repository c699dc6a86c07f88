#include "products/gym/deployments.h"

#include <algorithm>
#include <chrono>

#include "products/gym/process_usage.h"
#include "rl/policy.h"

namespace trainyard::gym {

namespace {

int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

DeploymentManager::~DeploymentManager() {
  std::vector<std::thread> loaders;
  {
    std::lock_guard lock(mu_);
    loaders.swap(loaders_);
  }
  for (std::thread& t : loaders) t.join();
}

std::shared_ptr<DeploymentManager::Deployment> DeploymentManager::Find(
    const std::string& model_id) const {
  std::lock_guard lock(mu_);
  auto it = deployments_.find(model_id);
  return it == deployments_.end() ? nullptr : it->second;
}

void DeploymentManager::Deploy(const std::string& model_id,
                               const std::string& policy_path,
                               const DeploySpec& spec,
                               std::function<void(const Status&)> on_done) {
  std::shared_ptr<Deployment> d;
  {
    std::lock_guard lock(mu_);
    auto& slot = deployments_[model_id];
    if (!slot) slot = std::make_shared<Deployment>();
    d = slot;
    d->status = "deploying";
    if (spec.strategy == "recreate") d->serving.reset();
  }
  {
    // A first reading, so the first request after deploy gets a sample.
    std::lock_guard lock(d->sample_mu);
    if (d->last_wall_ns < 0) {
      d->last_wall_ns = SteadyNanos();
      d->last_cpu_ns = d->cpu_ns.load();
    }
  }
  auto load = [this, d, policy_path, spec, on_done = std::move(on_done)] {
    auto set = std::make_shared<ReplicaSet>();
    Status status = Status::Ok();
    std::vector<int64_t> growth;
    for (int i = 0; i < spec.replicas && status.ok(); ++i) {
      const int64_t heap_before = HeapInUseBytes();
      auto policy = rl::LoadPolicy(policy_path, static_cast<uint64_t>(i));
      if (!policy.ok()) {
        status = policy.status();
        break;
      }
      auto replica = std::make_unique<Replica>();
      replica->policy = std::move(*policy);
      set->replicas.push_back(std::move(replica));
      growth.push_back(HeapInUseBytes() - heap_before);
    }
    if (status.ok()) {
      // Other threads allocate and free meanwhile: the median replica's
      // growth is the robust per-replica figure.
      std::sort(growth.begin(), growth.end());
      set->heap_bytes =
          std::max<int64_t>(0, growth[growth.size() / 2]) *
          static_cast<int64_t>(growth.size());
      std::lock_guard lock(mu_);
      // The old set goes when its last in-flight request returns.
      d->serving = std::move(set);
      d->model_bytes = d->serving->heap_bytes;
    }
    // The new replicas serve before on_done runs; the status flips after
    // it, so whoever sees the new status also sees what on_done did.
    if (on_done) on_done(status);
    std::lock_guard lock(mu_);
    d->status = status.ok() ? "deployed" : "failed";
  };
  std::lock_guard lock(mu_);
  loaders_.emplace_back(std::move(load));
}

std::string DeploymentManager::StatusOf(const std::string& model_id) const {
  std::shared_ptr<Deployment> d = Find(model_id);
  if (!d) return "";
  std::lock_guard lock(mu_);
  return d->status;
}

Result<std::vector<float>> DeploymentManager::Predict(
    const std::string& model_id, std::span<const float> observation,
    bool deterministic, const Adapter* adapter) {
  std::shared_ptr<Deployment> d = Find(model_id);
  if (!d) return NotFoundError("model '" + model_id + "' is not deployed");
  std::shared_ptr<ReplicaSet> set;
  {
    std::lock_guard lock(mu_);
    set = d->serving;
  }
  if (!set || set->replicas.empty()) {
    return Status(ErrorCode::kUnavailable,
                  "model '" + model_id + "' has no ready replica");
  }
  const auto start = std::chrono::steady_clock::now();
  const size_t n = set->replicas.size();
  const size_t first = set->next.fetch_add(1) % n;
  // Take the first idle replica from a rotating start; wait for the start
  // one if all are busy.
  Replica* chosen = nullptr;
  std::unique_lock<std::mutex> held;
  for (size_t k = 0; k < n && chosen == nullptr; ++k) {
    Replica* r = set->replicas[(first + k) % n].get();
    std::unique_lock<std::mutex> lock(r->mu, std::try_to_lock);
    if (lock.owns_lock()) {
      chosen = r;
      held = std::move(lock);
    }
  }
  if (chosen == nullptr) {
    chosen = set->replicas[first].get();
    held = std::unique_lock<std::mutex>(chosen->mu);
  }
  std::vector<float> action;
  rl::Policy* policy = chosen->policy.get();
  const int64_t cpu_before = ThreadCpuNanos();
  Status st;
  if (adapter != nullptr) {
    st = (*adapter)(
        [policy, deterministic](std::span<const float> obs,
                                std::span<float> out) {
          return policy->Act(obs, deterministic, out);
        },
        observation, &action);
  } else {
    action.resize(policy->action_space().flat_size());
    st = policy->Act(observation, deterministic, action);
  }
  d->cpu_ns += ThreadCpuNanos() - cpu_before;
  held.unlock();
  if (!st.ok()) return st;
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  const int64_t now = clock_->NowMillis();
  d->latency_ms.Add(now, ms);
  d->requests.Add(now, 1.0);
  SampleUsage(*d, now);
  return action;
}

void DeploymentManager::SampleUsage(Deployment& d, int64_t now_ms) {
  std::lock_guard lock(d.sample_mu);
  if (now_ms - d.last_sample_ms < 1000) return;
  d.last_sample_ms = now_ms;
  const int64_t wall = SteadyNanos(), cpu = d.cpu_ns.load();
  if (d.last_wall_ns >= 0 && wall > d.last_wall_ns) {
    d.cpu.Add(now_ms, static_cast<double>(cpu - d.last_cpu_ns) /
                          static_cast<double>(wall - d.last_wall_ns));
  }
  d.last_wall_ns = wall;
  d.last_cpu_ns = cpu;
  d.memory.Add(now_ms, static_cast<double>(d.model_bytes.load()) /
                           (1024.0 * 1024.0));
}

nlohmann::json DeploymentManager::Metrics(const std::string& model_id,
                                          const Window& window) const {
  static const nlohmann::json kEmpty = {
      {"values", nlohmann::json::array()},
      {"timestamps", nlohmann::json::array()}};
  std::shared_ptr<Deployment> d = Find(model_id);
  if (!d) {
    return {{"latency", kEmpty},
            {"throughput", kEmpty},
            {"resource_usage", {{"cpu", kEmpty}, {"memory", kEmpty}}}};
  }
  return {{"latency", d->latency_ms.Aggregate(window, Reduce::kMean)},
          {"throughput", d->requests.Aggregate(window, Reduce::kRatePerSec)},
          {"resource_usage",
           {{"cpu", d->cpu.Aggregate(window, Reduce::kMean)},
            {"memory", d->memory.Aggregate(window, Reduce::kMean)}}}};
}

}  // namespace trainyard::gym
