// Calendar dates for daily market data: strict "YYYY-MM-DD" parsing and
// conversion to a day number, so bars can be ordered, de-duplicated and
// generated on business days without time-zone concerns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace trainyard::ml {

// Days since 1970-01-01 (proleptic Gregorian calendar).
using DayNumber = int64_t;

// Parses exactly "YYYY-MM-DD" with a real month/day (leap years honoured).
// Returns VALIDATION_ERROR naming the expected format otherwise.
Result<DayNumber> ParseDate(std::string_view text);

// "YYYY-MM-DD". REQUIRES: a day in years 0000..9999.
std::string FormatDate(DayNumber day);

// 0 = Monday ... 6 = Sunday.
int DayOfWeek(DayNumber day);
inline bool IsWeekend(DayNumber day) { return DayOfWeek(day) >= 5; }

}  // namespace trainyard::ml
