#include "products/gym/time_series.h"

#include <map>

#include "core/clock.h"

namespace trainyard::gym {

namespace {

constexpr int64_t kMaxBuckets = 10000;

Result<int64_t> ParseTime(const std::string& field, const std::string& text) {
  Result<TimePoint> t = ParseIso8601(text);
  if (!t.ok()) {
    return ValidationError("invalid query parameters",
                           {{field, "must be an ISO-8601 time"}});
  }
  return ToUnixMillis(*t);
}

}  // namespace

Result<Window> ParseWindow(const api::Request& request, int64_t now_ms) {
  Window w;
  w.end_ms = now_ms + 1;  // include samples taken at `now`
  w.start_ms = now_ms - 3600 * 1000;
  if (auto end = request.Query("end_time")) {
    TY_ASSIGN_OR_RETURN(w.end_ms, ParseTime("end_time", *end));
  }
  if (auto start = request.Query("start_time")) {
    TY_ASSIGN_OR_RETURN(w.start_ms, ParseTime("start_time", *start));
  } else if (request.Query("end_time")) {
    w.start_ms = w.end_ms - 3600 * 1000;
  }
  if (auto interval = request.Query("interval")) {
    static const std::map<std::string, int64_t> kIntervals = {
        {"1m", 60000}, {"5m", 300000}, {"1h", 3600000}};
    auto it = kIntervals.find(*interval);
    if (it == kIntervals.end()) {
      return ValidationError("invalid query parameters",
                             {{"interval", "must be one of 1m, 5m, 1h"}});
    }
    w.interval_ms = it->second;
  }
  if (w.end_ms <= w.start_ms) {
    return ValidationError("invalid query parameters",
                           {{"end_time", "must be after start_time"}});
  }
  if ((w.end_ms - w.start_ms) / w.interval_ms > kMaxBuckets) {
    return ValidationError(
        "invalid query parameters",
        {{"interval", "more than 10000 buckets; use a longer interval"}});
  }
  return w;
}

nlohmann::json Aggregate(const std::deque<Sample>& samples,
                         const Window& window, Reduce reduce) {
  std::map<int64_t, std::pair<double, int64_t>> buckets;  // sum, count
  for (const Sample& s : samples) {
    if (s.t_ms < window.start_ms || s.t_ms >= window.end_ms) continue;
    // Buckets start at multiples of the interval (12:00, 12:01, ...).
    const int64_t bucket = s.t_ms / window.interval_ms * window.interval_ms;
    auto& [sum, count] = buckets[bucket];
    sum += s.value;
    ++count;
  }
  nlohmann::json values = nlohmann::json::array();
  nlohmann::json stamps = nlohmann::json::array();
  for (const auto& [bucket, acc] : buckets) {
    const auto& [sum, count] = acc;
    values.push_back(reduce == Reduce::kMean
                         ? sum / count
                         : sum / (window.interval_ms / 1000.0));
    stamps.push_back(FormatIso8601(FromUnixMillis(bucket)));
  }
  return {{"values", values}, {"timestamps", stamps}};
}

void SampleBuffer::Add(int64_t t_ms, double value) {
  std::lock_guard lock(mu_);
  samples_.push_back({t_ms, value});
  if (samples_.size() > capacity_) samples_.pop_front();
}

nlohmann::json SampleBuffer::Aggregate(const Window& window,
                                       Reduce reduce) const {
  std::lock_guard lock(mu_);
  return gym::Aggregate(samples_, window, reduce);
}

}  // namespace trainyard::gym
