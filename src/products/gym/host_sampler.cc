#include "products/gym/host_sampler.h"

#include "products/gym/process_usage.h"

namespace trainyard::gym {

HostSampler::HostSampler(const Clock* clock, int64_t period_ms)
    : clock_(clock), period_ms_(period_ms) {
  SampleNow();
  thread_ = std::thread([this] { Run(); });
}

HostSampler::~HostSampler() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void HostSampler::Run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(period_ms_),
                       [this] { return stop_; })) {
    lock.unlock();
    SampleNow();
    lock.lock();
  }
}

void HostSampler::SampleNow() {
  const int64_t now = clock_->NowMillis();
  if (auto cpu = ReadHostCpu()) {
    std::lock_guard lock(mu_);
    // The first sample is the average since boot (counters start at 0).
    cpu_.Add(now, CpuFraction({busy_, total_}, *cpu));
    busy_ = cpu->busy_seconds;
    total_ = cpu->total_seconds;
  }
  if (auto memory = ReadHostMemoryFraction()) memory_.Add(now, *memory);
}

nlohmann::json HostSampler::Series(const Window& window) const {
  return {{"cpu_usage", cpu_.Aggregate(window, Reduce::kMean)},
          {"memory_usage", memory_.Aggregate(window, Reduce::kMean)}};
}

}  // namespace trainyard::gym
