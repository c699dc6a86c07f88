// Per-token request limits in fixed one-hour windows (FREE 100, PRO 1000,
// ELITE 10000 by default). Counting happens in memory; Flush() persists the
// windows so counts survive a restart (the server flushes every second and
// on shutdown, so a crash loses at most a second of counts).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "store/model_store.h"
#include "store/user_store.h"

namespace trainyard::api {

struct RateLimits {
  int64_t free = 100;
  int64_t pro = 1000;
  int64_t elite = 10000;
  int64_t window_ms = 3'600'000;
  int64_t ForTier(store::Tier tier) const;
};

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_epoch_s = 0;  // when the window ends (X-RateLimit-Reset)
  int64_t retry_after_s = 0;  // for 429 (Retry-After)
};

// Thread-safe. `counters` may be null (no persistence).
class RateLimiter {
 public:
  RateLimiter(RateLimits limits, const Clock* clock,
              store::RateCounterStore* counters)
      : limits_(limits), clock_(clock), counters_(counters) {}

  // Loads persisted windows. Call once before serving.
  Status Load();
  // Counts one request for `key` at `tier` and says whether it may proceed.
  // A refused request is not counted.
  RateDecision Hit(const std::string& key, store::Tier tier);
  // Persists windows changed since the last flush.
  Status Flush();

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t count = 0;
    bool dirty = false;
  };
  RateLimits limits_;
  const Clock* clock_;
  store::RateCounterStore* counters_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace trainyard::api
