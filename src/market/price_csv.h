// Historical prices for replay: parses CSV text with rows
// "timestamp,price[,volume]" (optional header row), validating every row.
// The caller reads the file; this module does no I/O.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace trainyard::market {

struct PriceRow {
  int64_t timestamp = 0;  // seconds since the epoch, or ISO-8601 in the file
  double price = 0.0;
  double volume = 0.0;    // 0 when the column is absent
};

// VALIDATION_ERROR "line N: ..." for a malformed number, a non-positive or
// non-finite price, a negative volume, a timestamp that does not increase,
// a wrong column count, or fewer than 2 rows.
Result<std::vector<PriceRow>> ParsePriceCsv(std::string_view text);

}  // namespace trainyard::market
