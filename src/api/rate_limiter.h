// Per-token request limits in fixed one-hour windows (FREE 100, PRO 1000,
// ELITE 10000 by default). Counting happens in memory; Flush() merges the
// counts into the store and reads back the totals, so counts survive a
// restart and several API servers on one database share one limit per
// token (the server flushes every second and on shutdown: a crash loses at
// most a second of counts, and N servers may together let through up to a
// second of requests beyond the limit).
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
  // Adds the requests counted since the last flush to the store's totals
  // and takes the totals (other servers' requests included) for every key
  // whose window is open; forgets closed windows. On error nothing is
  // lost: the requests are merged by the next flush.
  Status Flush();

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t count = 0;   // every server's, as far as known here
    int64_t merged = 0;  // how much of `count` the store has
  };
  RateLimits limits_;
  const Clock* clock_;
  store::RateCounterStore* counters_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace trainyard::api
