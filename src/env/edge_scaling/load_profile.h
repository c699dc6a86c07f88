// Request-rate profiles of the edge-scaling environment: constant, diurnal
// (two documented daily shapes), random bursts and replay of a CSV trace.
// A profile is a multiplier of the base rate users / request_interval_s.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::env::edge {

enum class LoadShape { kConstant, kDiurnal, kBursts, kTrace };
enum class DiurnalShape {
  // 1 + amplitude * sin(2 pi (h - 9) / 24): trough at 03:00, peak at 15:00.
  kSine,
  // Business day: 0.3 + 1.2 exp(-(h - 11)^2 / 8) + 0.9 exp(-(h - 20)^2 / 4.5),
  // a morning peak at 11:00 and an evening peak at 20:00 (h in [0, 24)).
  kTwoPeak,
};

// One row of a trace: from time_s on, the rate is multiplier x base rate.
struct TracePoint {
  double time_s = 0.0;
  double multiplier = 1.0;
};

struct LoadConfig {
  LoadShape shape = LoadShape::kConstant;
  double users = 1200.0;             // users over all regions
  double request_interval_s = 20.0;  // mean seconds between a user's requests
  DiurnalShape diurnal = DiurnalShape::kSine;
  double diurnal_amplitude = 0.5;  // kSine only, in [0, 1]
  // kBursts: each step a burst starts with this probability (when none is
  // running) and multiplies the rate by burst_factor for burst_steps steps.
  double burst_probability = 0.1;
  double burst_factor = 2.5;
  int burst_steps = 2;
  std::vector<TracePoint> trace;  // kTrace: ascending times from 0
  // Requests of a step are Poisson(rate x step) draws; false uses the rate.
  bool poisson_arrivals = true;
  // Time of the first step; negative draws a random start each episode
  // (uniform over the day, or over the trace's period).
  double start_time_s = -1.0;

  double base_rate() const { return users / request_interval_s; }
};

// Name <-> enum for the API ("constant", "diurnal", "bursts", "trace";
// "sine", "two_peak"). VALIDATION_ERROR naming the choices otherwise.
Result<LoadShape> ParseLoadShape(const std::string& name);
const char* LoadShapeName(LoadShape shape);
Result<DiurnalShape> ParseDiurnalShape(const std::string& name);
const char* DiurnalShapeName(DiurnalShape shape);

// The diurnal multiplier at time t_s (seconds; the day repeats every 86400).
double DiurnalMultiplier(DiurnalShape shape, double amplitude, double t_s);

// The trace's period: last time + the mean spacing of its rows (the trace
// then loops). REQUIRES: trace not empty.
double TracePeriod(const std::vector<TracePoint>& trace);

// The multiplier of the last row at or before t_s, looping over the period.
// REQUIRES: trace not empty, valid per ParseTraceCsv's rules.
double TraceMultiplier(const std::vector<TracePoint>& trace, double t_s);

// Parses "time_s,multiplier" rows (an optional header line, '#' comments and
// blank lines are skipped). VALIDATION_ERROR (field "trace") naming the line
// for non-numbers, negative or non-increasing times, negative multipliers,
// no rows or more than 1,000,000 rows.
Result<std::vector<TracePoint>> ParseTraceCsv(const std::string& text);

// VALIDATION_ERROR with one field per bad setting ("load.users", ...).
Status ValidateLoadConfig(const LoadConfig& load);

}  // namespace trainyard::env::edge
