#include "ml/ohlcv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

#include "ml/file_io.h"

namespace trainyard::ml {
namespace {

constexpr size_t kMaxDetails = 20;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> SplitCommas(std::string_view line) {
  std::vector<std::string_view> cells;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    cells.push_back(Trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return cells;
}

bool ParseNumber(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end && std::isfinite(*out);
}

std::string RowField(size_t row, const char* column) {
  return "row " + std::to_string(row) + "." + column;
}

// Collects at most kMaxDetails problems.
class Problems {
 public:
  void Add(size_t row, const char* column, std::string message) {
    ++count_;
    if (details_.size() < kMaxDetails) {
      details_.push_back({RowField(row, column), std::move(message)});
    }
  }
  bool empty() const { return count_ == 0; }
  Status ToStatus(const std::string& what) && {
    std::string message = what + ": " + std::to_string(count_) +
                          " problem(s), first at " + details_[0].field + ": " +
                          details_[0].message;
    return ValidationError(std::move(message), std::move(details_));
  }

 private:
  size_t count_ = 0;
  std::vector<FieldError> details_;
};

std::string Num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

void CheckBar(const OhlcvSeries& s, size_t i, Problems* p) {
  const size_t row = i + 1;
  const double o = s.open[i], h = s.high[i], l = s.low[i], c = s.close[i];
  const struct {
    const char* name;
    double v;
  } prices[] = {{"open", o}, {"high", h}, {"low", l}, {"close", c}};
  bool prices_ok = true;
  for (const auto& price : prices) {
    if (!std::isfinite(price.v) || price.v <= 0) {
      p->Add(row, price.name, "price must be > 0, got " + Num(price.v));
      prices_ok = false;
    }
  }
  if (prices_ok) {
    if (h < l) p->Add(row, "high", "high " + Num(h) + " < low " + Num(l));
    if (h < std::max(o, c)) {
      p->Add(row, "high",
             "high " + Num(h) + " < max(open, close) " + Num(std::max(o, c)));
    }
    if (l > std::min(o, c)) {
      p->Add(row, "low",
             "low " + Num(l) + " > min(open, close) " + Num(std::min(o, c)));
    }
  }
  if (!std::isfinite(s.volume[i]) || s.volume[i] < 0) {
    p->Add(row, "volume", "volume must be >= 0, got " + Num(s.volume[i]));
  }
  if (i == 0) return;
  if (s.days[i] == s.days[i - 1]) {
    p->Add(row, "date", "duplicate date " + FormatDate(s.days[i]));
  } else if (s.days[i] < s.days[i - 1]) {
    p->Add(row, "date",
           "date " + FormatDate(s.days[i]) + " is before " +
               FormatDate(s.days[i - 1]) +
               " (rows must be in ascending date order)");
  }
}

struct Columns {
  int date = -1, open = -1, high = -1, low = -1, close = -1, volume = -1;
};

Result<Columns> FindColumns(std::string_view header) {
  Columns cols;
  const auto cells = SplitCommas(header);
  for (size_t i = 0; i < cells.size(); ++i) {
    const std::string name = Lower(cells[i]);
    const int idx = static_cast<int>(i);
    if (name == "date") cols.date = idx;
    if (name == "open") cols.open = idx;
    if (name == "high") cols.high = idx;
    if (name == "low") cols.low = idx;
    if (name == "close") cols.close = idx;
    if (name == "volume") cols.volume = idx;
  }
  std::vector<FieldError> missing;
  if (cols.date < 0) missing.push_back({"header", "missing column 'date'"});
  if (cols.close < 0) missing.push_back({"header", "missing column 'close'"});
  if (!missing.empty()) {
    return ValidationError(
        "CSV header must name at least 'date' and 'close' "
        "(optional: open, high, low, volume)",
        std::move(missing));
  }
  return cols;
}

}  // namespace

const char* DataSourceName(DataSource source) {
  return source == DataSource::kSynthetic ? "synthetic" : "imported";
}

OhlcvSeries OhlcvSeries::Slice(DayNumber first, DayNumber last) const {
  const auto lo = std::lower_bound(days.begin(), days.end(), first);
  const auto hi = std::upper_bound(days.begin(), days.end(), last);
  const size_t b = lo - days.begin();
  const size_t e = std::max(b, static_cast<size_t>(hi - days.begin()));
  OhlcvSeries out;
  out.symbol = symbol;
  out.source = source;
  out.has_volume = has_volume;
  out.days.assign(days.begin() + b, days.begin() + e);
  out.open.assign(open.begin() + b, open.begin() + e);
  out.high.assign(high.begin() + b, high.begin() + e);
  out.low.assign(low.begin() + b, low.begin() + e);
  out.close.assign(close.begin() + b, close.begin() + e);
  out.volume.assign(volume.begin() + b, volume.begin() + e);
  return out;
}

Status ValidateOhlcv(const OhlcvSeries& s) {
  const size_t n = s.days.size();
  if (s.open.size() != n || s.high.size() != n || s.low.size() != n ||
      s.close.size() != n || s.volume.size() != n) {
    return ValidationError("OHLCV columns have different lengths");
  }
  Problems problems;
  for (size_t i = 0; i < n; ++i) CheckBar(s, i, &problems);
  if (problems.empty()) return Status::Ok();
  return std::move(problems).ToStatus("invalid OHLCV data for " + s.symbol);
}

Result<OhlcvSeries> ParseOhlcvCsv(std::string symbol, std::string_view csv) {
  OhlcvSeries s;
  s.symbol = std::move(symbol);
  std::istringstream in{std::string(csv)};
  std::string line;
  if (!std::getline(in, line)) return ValidationError("CSV is empty");
  TY_ASSIGN_OR_RETURN(const Columns cols, FindColumns(line));
  s.has_volume = cols.volume >= 0;
  const int needed = std::max(
      {cols.date, cols.open, cols.high, cols.low, cols.close, cols.volume});
  Problems problems;
  size_t row = 0;
  while (std::getline(in, line)) {
    if (Trim(line).empty()) continue;
    ++row;
    const auto cells = SplitCommas(line);
    if (static_cast<int>(cells.size()) <= needed) {
      problems.Add(row, "row",
                   "expected at least " + std::to_string(needed + 1) +
                       " cells, got " + std::to_string(cells.size()));
      continue;
    }
    auto day = ParseDate(cells[cols.date]);
    if (!day.ok()) {
      problems.Add(row, "date", day.status().message());
      continue;
    }
    double v[5] = {0, 0, 0, 0, 0};  // open high low close volume
    const int idx[5] = {cols.open, cols.high, cols.low, cols.close,
                        cols.volume};
    static constexpr const char* kNames[5] = {"open", "high", "low", "close",
                                              "volume"};
    bool row_ok = true;
    for (int k = 0; k < 5; ++k) {
      if (idx[k] < 0) continue;
      if (!ParseNumber(cells[idx[k]], &v[k])) {
        problems.Add(row, kNames[k],
                     "not a number: '" + std::string(cells[idx[k]]) + "'");
        row_ok = false;
      }
    }
    if (!row_ok) continue;
    const double c = v[3];
    s.days.push_back(*day);
    s.open.push_back(cols.open >= 0 ? v[0] : c);
    s.high.push_back(cols.high >= 0 ? v[1] : c);
    s.low.push_back(cols.low >= 0 ? v[2] : c);
    s.close.push_back(c);
    s.volume.push_back(v[4]);
  }
  if (!problems.empty()) {
    return std::move(problems).ToStatus("invalid OHLCV CSV for " + s.symbol);
  }
  if (s.size() == 0) return ValidationError("CSV has no data rows");
  TY_RETURN_IF_ERROR(ValidateOhlcv(s));
  return s;
}

Result<OhlcvSeries> LoadOhlcvCsv(std::string symbol, const std::string& path) {
  TY_ASSIGN_OR_RETURN(const std::string text, ReadFile(path, "CSV file"));
  return ParseOhlcvCsv(std::move(symbol), text);
}

}  // namespace trainyard::ml
