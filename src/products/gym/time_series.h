// Time series of the gym's metrics endpoints: samples kept in memory and
// aggregated into {"values", "timestamps"} buckets of 1m, 5m or 1h, and the
// shared parsing of the start_time / end_time / interval query.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>

#include "api/http_types.h"
#include "core/status.h"

namespace trainyard::gym {

struct Sample {
  int64_t t_ms = 0;
  double value = 0.0;
};

// How a bucket's samples become one value.
enum class Reduce {
  kMean,        // mean of the values
  kRatePerSec,  // sum of the values / bucket seconds (e.g. request counts)
};

struct Window {
  int64_t start_ms = 0, end_ms = 0;  // [start, end)
  int64_t interval_ms = 60000;
};

// Reads start_time / end_time (ISO-8601; default: the hour before `now_ms`
// up to now) and interval (1m, 5m, 1h; default 1m). VALIDATION_ERROR for
// malformed times, end before start, an unknown interval or more than
// 10,000 buckets.
Result<Window> ParseWindow(const api::Request& request, int64_t now_ms);

// Buckets that hold samples in `window`, oldest first:
// {"values": [...], "timestamps": [bucket start, ISO-8601]}. Buckets start
// at multiples of the interval since the Unix epoch (12:00, 12:01, ...).
nlohmann::json Aggregate(const std::deque<Sample>& samples,
                         const Window& window, Reduce reduce);

// A bounded, thread-safe sample buffer (oldest dropped first).
class SampleBuffer {
 public:
  explicit SampleBuffer(size_t capacity) : capacity_(capacity) {}
  void Add(int64_t t_ms, double value);
  nlohmann::json Aggregate(const Window& window, Reduce reduce) const;

 private:
  mutable std::mutex mu_;
  size_t capacity_;
  std::deque<Sample> samples_;
};

}  // namespace trainyard::gym
