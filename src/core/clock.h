// Time: an injectable wall clock (so leases, rate-limit windows and
// timestamps can be tested without sleeping) and UTC ISO-8601 formatting.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace trainyard {

using TimePoint = std::chrono::system_clock::time_point;

// Source of the current time. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // Milliseconds since the Unix epoch.
  int64_t NowMillis() const;
};

// The real wall clock. Stateless; one shared instance is enough.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static SystemClock* Default();
};

// A clock tests move by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_millis = 1'700'000'000'000)
      : millis_(start_millis) {}
  TimePoint Now() const override;
  void AdvanceMillis(int64_t ms) { millis_ += ms; }
  void SetMillis(int64_t ms) { millis_ = ms; }

 private:
  std::atomic<int64_t> millis_;
};

// "2025-01-15T15:45:00Z" (UTC, whole seconds).
std::string FormatIso8601(TimePoint t);
std::string FormatIso8601Millis(int64_t unix_millis);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM]" or a bare "YYYY-MM-DD"
// (midnight UTC). Returns a VALIDATION_ERROR naming the expected format on
// anything else.
Result<TimePoint> ParseIso8601(std::string_view text);

int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);

}  // namespace trainyard
