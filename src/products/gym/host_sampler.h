// Samples the host's CPU and memory use on a background thread for
// GET /api/v1/metrics, keeping the last day of samples in memory.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "products/gym/time_series.h"

namespace trainyard::gym {

// Starts sampling on construction (one sample at once, then every
// `period_ms`); the destructor stops and joins the thread. Thread-safe.
class HostSampler {
 public:
  HostSampler(const Clock* clock, int64_t period_ms);
  ~HostSampler();
  HostSampler(const HostSampler&) = delete;
  HostSampler& operator=(const HostSampler&) = delete;

  // {"cpu_usage": series, "memory_usage": series}, fractions in [0, 1].
  nlohmann::json Series(const Window& window) const;
  // Takes a sample now (also called by the thread).
  void SampleNow();

 private:
  void Run();

  const Clock* clock_;
  const int64_t period_ms_;
  SampleBuffer cpu_{20000}, memory_{20000};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  double busy_ = 0.0, total_ = 0.0;
  std::thread thread_;
};

}  // namespace trainyard::gym
