#include "ml/synthetic.h"

#include <algorithm>
#include <cmath>

#include "core/rng.h"

namespace trainyard::ml {
namespace {

// Every generated history starts here, so any [first, last] window of a
// symbol is a slice of one fixed history (the same date has the same bar
// whatever range was asked for).
constexpr DayNumber kHistoryStart = 7305;  // 1990-01-01

struct Params {
  double start_price;
  double drift;     // daily log drift
  double base_vol;  // long-run daily volatility
  double base_volume;
};

Params ParamsFor(Rng& rng) {
  Params p;
  p.start_price = 100.0 * std::exp(rng.Uniform(0.0, std::log(200.0)));
  p.drift = rng.Uniform(-0.0001, 0.0006);
  p.base_vol = rng.Uniform(0.008, 0.022);
  p.base_volume = std::exp(rng.Uniform(std::log(1e5), std::log(5e7)));
  return p;
}

}  // namespace

uint64_t SyntheticSeed(const std::string& symbol) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (unsigned char c : symbol) {
    h ^= c;
    h *= 0x100000001b3ULL;  // FNV-1a 64 prime
  }
  return h;
}

Result<OhlcvSeries> GenerateSyntheticOhlcv(const std::string& symbol,
                                           DayNumber first, DayNumber last) {
  if (last < first) {
    return ValidationError("end_date is before start_date",
                           {{"end_date", "must be on or after start_date"}});
  }
  if (first < kHistoryStart) {
    return ValidationError("synthetic data starts at 1990-01-01",
                           {{"start_date", "must be 1990-01-01 or later"}});
  }
  Rng rng(SyntheticSeed(symbol));
  const Params p = ParamsFor(rng);
  OhlcvSeries s;
  s.symbol = symbol;
  s.source = DataSource::kSynthetic;
  double close = p.start_price;
  double var = p.base_vol * p.base_vol;
  for (DayNumber day = kHistoryStart; day <= last; ++day) {
    if (IsWeekend(day)) continue;
    // GARCH(1,1): var' = w + a r^2 + b var, with w set so the long-run
    // variance is base_vol^2.
    const double z = rng.Normal();
    const double sigma = std::sqrt(var);
    const double ret = p.drift + sigma * z;
    var = 0.05 * p.base_vol * p.base_vol + 0.08 * ret * ret + 0.87 * var;
    const double open = close * std::exp(0.25 * sigma * rng.Normal());
    const double new_close = open * std::exp(ret);
    const double hi = std::max(open, new_close) *
                      std::exp(0.5 * sigma * std::fabs(rng.Normal()));
    const double lo = std::min(open, new_close) *
                      std::exp(-0.5 * sigma * std::fabs(rng.Normal()));
    const double volume = std::round(
        p.base_volume * std::exp(0.3 * rng.Normal() + 8.0 * std::fabs(ret)));
    close = new_close;
    if (day < first) continue;
    s.days.push_back(day);
    s.open.push_back(open);
    s.high.push_back(hi);
    s.low.push_back(lo);
    s.close.push_back(close);
    s.volume.push_back(volume);
  }
  if (s.size() == 0) {
    return ValidationError("date range contains no business day");
  }
  TY_RETURN_IF_ERROR(ValidateOhlcv(s));
  return s;
}

}  // namespace trainyard::ml
