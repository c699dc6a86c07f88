#include "env/edge_scaling/load_profile.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace trainyard::env::edge {

namespace {

constexpr double kDaySeconds = 86400.0;
constexpr double kPi = 3.14159265358979323846;
constexpr size_t kMaxTraceRows = 1000000;

bool ParseDouble(const std::string& text, double* out) {
  const char* begin = text.c_str();
  char* end = nullptr;
  *out = std::strtod(begin, &end);
  while (end != nullptr && (*end == ' ' || *end == '\t' || *end == '\r')) ++end;
  return end != begin && end != nullptr && *end == '\0' && std::isfinite(*out);
}

}  // namespace

Result<LoadShape> ParseLoadShape(const std::string& name) {
  if (name == "constant") return LoadShape::kConstant;
  if (name == "diurnal") return LoadShape::kDiurnal;
  if (name == "bursts") return LoadShape::kBursts;
  if (name == "trace") return LoadShape::kTrace;
  return ValidationError("unknown load profile",
                         {{"profile",
                           "must be one of constant, diurnal, "
                           "bursts, trace"}});
}

const char* LoadShapeName(LoadShape shape) {
  switch (shape) {
    case LoadShape::kConstant:
      return "constant";
    case LoadShape::kDiurnal:
      return "diurnal";
    case LoadShape::kBursts:
      return "bursts";
    case LoadShape::kTrace:
      return "trace";
  }
  return "constant";
}

Result<DiurnalShape> ParseDiurnalShape(const std::string& name) {
  if (name == "sine") return DiurnalShape::kSine;
  if (name == "two_peak") return DiurnalShape::kTwoPeak;
  return ValidationError("unknown diurnal shape",
                         {{"diurnal_shape", "must be one of sine, two_peak"}});
}

const char* DiurnalShapeName(DiurnalShape shape) {
  return shape == DiurnalShape::kSine ? "sine" : "two_peak";
}

double DiurnalMultiplier(DiurnalShape shape, double amplitude, double t_s) {
  double day = std::fmod(t_s, kDaySeconds);
  if (day < 0) day += kDaySeconds;
  const double h = day / 3600.0;
  if (shape == DiurnalShape::kSine) {
    return 1.0 + amplitude * std::sin(2.0 * kPi * (h - 9.0) / 24.0);
  }
  return 0.3 + 1.2 * std::exp(-(h - 11.0) * (h - 11.0) / 8.0) +
         0.9 * std::exp(-(h - 20.0) * (h - 20.0) / 4.5);
}

double TracePeriod(const std::vector<TracePoint>& trace) {
  if (trace.size() == 1) return trace[0].time_s + 1.0;
  const double last = trace.back().time_s;
  return last + (last - trace.front().time_s) / (trace.size() - 1);
}

double TraceMultiplier(const std::vector<TracePoint>& trace, double t_s) {
  double t = std::fmod(t_s, TracePeriod(trace));
  if (t < 0) t += TracePeriod(trace);
  auto it = std::upper_bound(
      trace.begin(), trace.end(), t,
      [](double value, const TracePoint& p) { return value < p.time_s; });
  // Before the first row the trace has not started: use its first value.
  if (it == trace.begin()) return trace.front().multiplier;
  return std::prev(it)->multiplier;
}

Result<std::vector<TracePoint>> ParseTraceCsv(const std::string& text) {
  std::vector<TracePoint> rows;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  auto error = [&](const std::string& what) {
    return ValidationError(
        "invalid load trace",
        {{"trace", "line " + std::to_string(line_no) + ": " + what}});
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t comma = line.find(',');
    if (comma == std::string::npos) return error("expected time_s,multiplier");
    TracePoint p;
    const bool ok = ParseDouble(line.substr(0, comma), &p.time_s) &&
                    ParseDouble(line.substr(comma + 1), &p.multiplier);
    if (!ok) {
      if (rows.empty() && line_no == 1) continue;  // header line
      return error("expected two numbers");
    }
    if (p.time_s < 0) return error("time must be >= 0");
    if (p.multiplier < 0) return error("multiplier must be >= 0");
    if (!rows.empty() && p.time_s <= rows.back().time_s) {
      return error("times must increase");
    }
    if (rows.size() == kMaxTraceRows) return error("more than 1000000 rows");
    rows.push_back(p);
  }
  if (rows.empty()) {
    return ValidationError("invalid load trace",
                           {{"trace", "no time_s,multiplier rows"}});
  }
  return rows;
}

Status ValidateLoadConfig(const LoadConfig& load) {
  std::vector<FieldError> errors;
  auto check = [&](bool ok, const char* field, const char* message) {
    if (!ok) errors.push_back({field, message});
  };
  check(load.users >= 0 && load.users <= 1e9, "load.users",
        "must be between 0 and 1e9");
  check(load.request_interval_s >= 1e-3 && load.request_interval_s <= 1e6,
        "load.request_interval_s", "must be between 0.001 and 1e6");
  check(load.diurnal_amplitude >= 0 && load.diurnal_amplitude <= 1,
        "load.diurnal_amplitude", "must be between 0 and 1");
  check(load.burst_probability >= 0 && load.burst_probability <= 1,
        "load.burst_probability", "must be between 0 and 1");
  check(load.burst_factor >= 0 && load.burst_factor <= 100, "load.burst_factor",
        "must be between 0 and 100");
  check(load.burst_steps >= 1 && load.burst_steps <= 10000, "load.burst_steps",
        "must be between 1 and 10000");
  check(load.shape != LoadShape::kTrace || !load.trace.empty(), "load.trace",
        "a trace profile needs trace rows");
  check(std::isfinite(load.start_time_s), "load.start_time_s",
        "must be a number");
  if (errors.empty()) return Status::Ok();
  return ValidationError("invalid load settings", std::move(errors));
}

}  // namespace trainyard::env::edge
