#include "api/http_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace trainyard::api {

namespace {

std::string EscapeLabel(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

void PrometheusWriter::Family(const std::string& name, const std::string& type,
                              const std::string& help) {
  out_ += "# HELP " + name + " " + help + "\n";
  out_ += "# TYPE " + name + " " + type + "\n";
}

void PrometheusWriter::Sample(const std::string& name, const Labels& labels,
                              double value) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i) out_ += ',';
      out_ += labels[i].first + "=\"" + EscapeLabel(labels[i].second) + '"';
    }
    out_ += '}';
  }
  out_ += ' ' + FormatValue(value) + '\n';
}

const std::vector<double>& HttpMetrics::LatencyBuckets() {
  static const std::vector<double> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBuckets;
}

void HttpMetrics::Observe(const std::string& method, const std::string& route,
                          int status, double seconds) {
  const auto& bounds = LatencyBuckets();
  // The first bucket the observation falls in; counts are made cumulative
  // when rendered.
  const size_t bucket =
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  Latency& l = latency_[{method, route}];
  if (l.buckets.empty()) l.buckets.assign(bounds.size() + 1, 0);
  ++l.buckets[bucket];
  ++l.count;
  l.sum += seconds;
}

void HttpMetrics::Render(PrometheusWriter* out) const {
  std::lock_guard lock(mu_);
  out->Family("trainyard_http_requests_total", "counter",
              "HTTP requests answered, by method, route pattern and status.");
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out->Sample("trainyard_http_requests_total",
                {{"method", method},
                 {"route", route},
                 {"status", std::to_string(status)}},
                static_cast<double>(n));
  }
  out->Family("trainyard_http_request_duration_seconds", "histogram",
              "Time from a request's arrival in the pipeline to its answer.");
  const auto& bounds = LatencyBuckets();
  for (const auto& [key, l] : latency_) {
    const auto& [method, route] = key;
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds.size(); ++i) {
      cumulative += l.buckets[i];
      char le[32];
      if (i < bounds.size()) {
        std::snprintf(le, sizeof le, "%g", bounds[i]);
      } else {
        std::snprintf(le, sizeof le, "+Inf");
      }
      out->Sample("trainyard_http_request_duration_seconds_bucket",
                  {{"method", method}, {"route", route}, {"le", le}},
                  static_cast<double>(cumulative));
    }
    out->Sample("trainyard_http_request_duration_seconds_sum",
                {{"method", method}, {"route", route}}, l.sum);
    out->Sample("trainyard_http_request_duration_seconds_count",
                {{"method", method}, {"route", route}},
                static_cast<double>(l.count));
  }
}

}  // namespace trainyard::api
