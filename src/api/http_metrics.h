// Prometheus metrics of the HTTP pipeline (requests by route and status,
// latency histograms by route) and a small writer of the Prometheus text
// exposition format (version 0.0.4) that GET /metrics renders with.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace trainyard::api {

// Writes metric families in the text exposition format. Families must be
// written whole (HELP, TYPE, then their samples) and each name once.
class PrometheusWriter {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;

  // Starts a family: `type` is "counter", "gauge" or "histogram".
  void Family(const std::string& name, const std::string& type,
              const std::string& help);
  // One sample line `name{labels} value`; label values are escaped.
  void Sample(const std::string& name, const Labels& labels, double value);

  const std::string& text() const { return out_; }

 private:
  std::string out_;
};

// Thread-safe (one mutex; an observation is a map lookup and a few adds).
class HttpMetrics {
 public:
  // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
  static const std::vector<double>& LatencyBuckets();

  // Counts one answered request. `route` is the matched route's pattern
  // ("/api/jobs/{job_id}"), or "unmatched" (bounded label values: raw paths
  // would let any client grow the series without limit).
  void Observe(const std::string& method, const std::string& route, int status,
               double seconds);

  // Appends trainyard_http_requests_total and
  // trainyard_http_request_duration_seconds to `out`.
  void Render(PrometheusWriter* out) const;

 private:
  struct Latency {
    std::vector<uint64_t> buckets;  // cumulative at render time, not here
    uint64_t count = 0;
    double sum = 0.0;
  };
  mutable std::mutex mu_;
  // (method, route, status) -> count
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  // (method, route) -> histogram
  std::map<std::pair<std::string, std::string>, Latency> latency_;
};

}  // namespace trainyard::api
