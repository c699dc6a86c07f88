#include "market/price_csv.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

#include "core/clock.h"

namespace trainyard::market {
namespace {

Status LineError(size_t line, const std::string& message) {
  return ValidationError("line " + std::to_string(line) + ": " + message,
                         {{"line " + std::to_string(line), message}});
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseDouble(std::string_view s, double* out) {
  // std::from_chars for double is available in GCC 12.
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseTimestamp(std::string_view s, int64_t* out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc() && ptr == s.data() + s.size()) return true;
  Result<TimePoint> t = ParseIso8601(s);
  if (!t.ok()) return false;
  *out = std::chrono::duration_cast<std::chrono::seconds>(
             t->time_since_epoch())
             .count();
  return true;
}

}  // namespace

Result<std::vector<PriceRow>> ParsePriceCsv(std::string_view text) {
  std::vector<PriceRow> rows;
  size_t line_no = 0;
  size_t expected_columns = 0;
  bool first_line = true;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.empty()) continue;
    std::string_view cols[4];
    size_t n = 0;
    while (n < 4) {
      const size_t comma = line.find(',');
      cols[n++] = Trim(line.substr(0, comma));
      if (comma == std::string_view::npos) break;
      line.remove_prefix(comma + 1);
      if (n == 4) return LineError(line_no, "expected 2 or 3 columns");
    }
    if (n < 2 || n > 3) return LineError(line_no, "expected 2 or 3 columns");
    PriceRow row;
    const bool is_first = first_line;
    first_line = false;
    if (!ParseTimestamp(cols[0], &row.timestamp)) {
      if (is_first) {
        expected_columns = n;  // header row
        continue;
      }
      return LineError(line_no, "timestamp is not an integer or ISO-8601 time");
    }
    if (expected_columns != 0 && n != expected_columns) {
      return LineError(line_no, "column count differs from the first row");
    }
    expected_columns = n;
    if (!ParseDouble(cols[1], &row.price) || row.price <= 0.0) {
      return LineError(line_no, "price must be a positive number");
    }
    if (n == 3 && (!ParseDouble(cols[2], &row.volume) || row.volume < 0.0)) {
      return LineError(line_no, "volume must be a non-negative number");
    }
    if (!rows.empty() && row.timestamp <= rows.back().timestamp) {
      return LineError(line_no, "timestamps must strictly increase");
    }
    rows.push_back(row);
  }
  if (rows.size() < 2) {
    return ValidationError("price CSV needs at least 2 data rows",
                           {{"csv", "needs at least 2 data rows"}});
  }
  return rows;
}

}  // namespace trainyard::market
