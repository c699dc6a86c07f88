#include "products/gym/deployments.h"

#include <chrono>

#include "products/gym/process_usage.h"
#include "rl/policy.h"

namespace trainyard::gym {

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
    // A first CPU reading, so the first request after deploy gets a sample.
    std::lock_guard lock(d->sample_mu);
    if (auto cpu = ReadProcessCpu(); cpu && d->last_cpu_busy < 0) {
      d->last_cpu_busy = cpu->busy_seconds;
      d->last_cpu_wall = cpu->total_seconds;
    }
  }
  auto load = [this, d, policy_path, spec, on_done = std::move(on_done)] {
    auto set = std::make_shared<ReplicaSet>();
    Status status = Status::Ok();
    for (int i = 0; i < spec.replicas && status.ok(); ++i) {
      auto policy = rl::LoadPolicy(policy_path, static_cast<uint64_t>(i));
      if (!policy.ok()) {
        status = policy.status();
        break;
      }
      auto replica = std::make_unique<Replica>();
      replica->policy = std::move(*policy);
      set->replicas.push_back(std::move(replica));
    }
    if (status.ok()) {
      std::lock_guard lock(mu_);
      // The old set goes when its last in-flight request returns.
      d->serving = std::move(set);
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
    bool deterministic) {
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
  std::vector<float> action(chosen->policy->action_space().flat_size());
  Status st = chosen->policy->Act(observation, deterministic, action);
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
  if (auto cpu = ReadProcessCpu()) {
    if (d.last_cpu_busy >= 0) {
      d.cpu.Add(now_ms, CpuFraction({d.last_cpu_busy, d.last_cpu_wall}, *cpu));
    }
    d.last_cpu_busy = cpu->busy_seconds;
    d.last_cpu_wall = cpu->total_seconds;
  }
  auto rss = ReadProcessRssBytes();
  auto total = ReadHostMemoryTotalBytes();
  if (rss && total && *total > 0) {
    d.memory.Add(now_ms, static_cast<double>(*rss) / *total);
  }
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
