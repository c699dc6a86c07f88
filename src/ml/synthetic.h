// Seeded synthetic daily OHLCV for demo symbols (NIFTY50, BANKNIFTY, ...)
// when no data was imported. Output is labelled DataSource::kSynthetic so
// answers say "data_source": "synthetic"; it is never presented as real.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "ml/ohlcv.h"

namespace trainyard::ml {

// The seed used for `symbol`: FNV-1a 64 of its bytes. Stable across
// platforms and releases, so a symbol always gets the same history.
uint64_t SyntheticSeed(const std::string& symbol);

// Generates business-day bars (Mon-Fri) from `first` to `last` inclusive.
// Model: geometric Brownian motion with clustered volatility. Log return of t:
// mu + sigma_t * z_t (z standard normal) where sigma_t follows a GARCH(1,1)-
// like recursion, and the close starts at a symbol-dependent level in
// [100, 20000). open = previous close * exp(gap noise); high/low extend
// beyond max/min(open, close) by half-normal amounts; volume is log-normal
// and rises with |return|. Same symbol + range => identical bars.
// Returns the series (validated) or VALIDATION_ERROR if last < first or the
// range has no business day.
Result<OhlcvSeries> GenerateSyntheticOhlcv(const std::string& symbol,
                                           DayNumber first, DayNumber last);

}  // namespace trainyard::ml
