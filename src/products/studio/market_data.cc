#include "products/studio/market_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ml/calendar.h"
#include "ml/file_io.h"
#include "ml/synthetic.h"

namespace trainyard::studio {

using store::Statement;

namespace {

constexpr const char* kSyntheticFirstDay = "2000-01-03";

bool ValidSymbol(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// The shortest of %.15g / %.17g that reads back as the same double.
std::string Number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  if (std::strtod(buf, nullptr) != v)
    std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string ToCsv(const ml::OhlcvSeries& s) {
  std::string out = s.has_volume ? "date,open,high,low,close,volume\n"
                                 : "date,open,high,low,close\n";
  for (size_t i = 0; i < s.size(); ++i) {
    out += ml::FormatDate(s.days[i]) + "," + Number(s.open[i]) + "," +
           Number(s.high[i]) + "," + Number(s.low[i]) + "," +
           Number(s.close[i]);
    if (s.has_volume) out += "," + Number(s.volume[i]);
    out += '\n';
  }
  return out;
}

ml::DayNumber Today(const Clock& clock) {
  return clock.NowMillis() / 86'400'000;
}

}  // namespace

const std::vector<std::string>& DemoSymbols() {
  static const std::vector<std::string> kSymbols = {
      "NIFTY50", "BANKNIFTY", "RELIANCE", "TCS", "INFY", "HDFCBANK"};
  return kSymbols;
}

Result<std::optional<DatasetInfo>> MarketData::Find(const std::string& symbol) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT symbol, rows, first_date, last_date, has_volume, "
                   "owner_id, imported_at FROM studio_datasets WHERE symbol "
                   "= ?"));
  s.Bind(1, symbol);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<DatasetInfo>();
  return std::optional<DatasetInfo>(DatasetInfo{
      s.ColumnText(0), "imported", s.ColumnInt(1), s.ColumnText(2),
      s.ColumnText(3), s.ColumnInt(4) != 0, s.ColumnText(5), s.ColumnInt(6)});
}

Result<DatasetInfo> MarketData::Import(const std::string& owner_id,
                                       bool is_admin, const std::string& symbol,
                                       const std::string& csv) {
  if (!ValidSymbol(symbol)) {
    return ValidationError(
        "invalid symbol",
        {{"symbol",
          "1-32 characters: upper-case letters, digits, '.', '_' or '-'"}});
  }
  TY_ASSIGN_OR_RETURN(ml::OhlcvSeries series, ml::ParseOhlcvCsv(symbol, csv));
  if (series.size() == 0) {
    return ValidationError("the CSV has no rows", {{"csv", "no data rows"}});
  }
  TY_ASSIGN_OR_RETURN(std::optional<DatasetInfo> existing, Find(symbol));
  if (existing && existing->owner_id != owner_id && !is_admin) {
    return ConflictError("symbol '" + symbol +
                         "' was imported by another user; only they or an "
                         "admin can replace it");
  }
  const std::string relative = "datasets/" + symbol + ".csv";
  TY_ASSIGN_OR_RETURN(std::string path, data_dir_->Resolve(relative, "symbol"));
  TY_RETURN_IF_ERROR(ml::WriteFileAtomically(path, ToCsv(series)));
  DatasetInfo info{symbol,
                   "imported",
                   static_cast<int64_t>(series.size()),
                   ml::FormatDate(series.days.front()),
                   ml::FormatDate(series.days.back()),
                   series.has_volume,
                   owner_id,
                   clock_->NowMillis()};
  {
    auto lock = db_->Lock();
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare(
            "INSERT INTO studio_datasets(symbol, owner_id, path, rows, "
            "first_date, last_date, has_volume, imported_at) "
            "VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(symbol) DO UPDATE SET "
            "owner_id = excluded.owner_id, path = excluded.path, rows = "
            "excluded.rows, first_date = excluded.first_date, last_date = "
            "excluded.last_date, has_volume = excluded.has_volume, "
            "imported_at = excluded.imported_at"));
    s.Bind(1, symbol).Bind(2, owner_id).Bind(3, relative).Bind(4, info.rows);
    s.Bind(5, info.first_date).Bind(6, info.last_date);
    s.Bind(7, int64_t{info.has_volume ? 1 : 0}).Bind(8, info.imported_at);
    TY_RETURN_IF_ERROR(s.Run());
  }
  std::lock_guard<std::mutex> guard(mu_);
  cache_.erase(symbol);
  return info;
}

Result<std::shared_ptr<const ml::OhlcvSeries>> MarketData::Load(
    const std::string& symbol) {
  TY_ASSIGN_OR_RETURN(std::optional<DatasetInfo> info, Find(symbol));
  const bool demo = std::find(DemoSymbols().begin(), DemoSymbols().end(),
                              symbol) != DemoSymbols().end();
  if (!info && !demo) {
    std::string known;
    TY_ASSIGN_OR_RETURN(std::vector<DatasetInfo> all, List());
    for (const auto& d : all) known += (known.empty() ? "" : ", ") + d.symbol;
    return ValidationError("unknown symbol '" + symbol + "'",
                           {{"symbols", "'" + symbol +
                                            "' has no data; import it or use "
                                            "one of: " +
                                            known}});
  }
  const ml::DayNumber today = Today(*clock_);
  const std::string key = info ? "imported@" + std::to_string(info->imported_at)
                               : "synthetic@" + std::to_string(today);
  {
    std::lock_guard<std::mutex> guard(mu_);
    auto it = cache_.find(symbol);
    if (it != cache_.end() && it->second.first == key) return it->second.second;
  }
  ml::OhlcvSeries series;
  if (info) {
    TY_ASSIGN_OR_RETURN(std::string path,
                        data_dir_->Resolve("datasets/" + symbol + ".csv"));
    TY_ASSIGN_OR_RETURN(series, ml::LoadOhlcvCsv(symbol, path));
  } else {
    TY_ASSIGN_OR_RETURN(series,
                        ml::GenerateSyntheticOhlcv(
                            symbol, *ml::ParseDate(kSyntheticFirstDay), today));
  }
  auto shared = std::make_shared<const ml::OhlcvSeries>(std::move(series));
  std::lock_guard<std::mutex> guard(mu_);
  cache_[symbol] = {key, shared};
  return shared;
}

Status MarketData::CheckSymbols(const std::vector<std::string>& symbols,
                                const std::string& field) {
  std::vector<std::string> unknown;
  for (const auto& s : symbols) {
    TY_ASSIGN_OR_RETURN(std::optional<DatasetInfo> info, Find(s));
    const bool demo = std::find(DemoSymbols().begin(), DemoSymbols().end(),
                                s) != DemoSymbols().end();
    if (!info && !demo) unknown.push_back(s);
  }
  if (unknown.empty()) return Status::Ok();
  std::string names, known;
  for (const auto& s : unknown) names += (names.empty() ? "" : ", ") + s;
  TY_ASSIGN_OR_RETURN(std::vector<DatasetInfo> all, List());
  for (const auto& d : all) known += (known.empty() ? "" : ", ") + d.symbol;
  return ValidationError("unknown symbols",
                         {{field, "no data for " + names +
                                      "; import them (trainyard import ohlcv) "
                                      "or use one of: " +
                                      known}});
}

Result<std::vector<DatasetInfo>> MarketData::List() {
  std::vector<DatasetInfo> out;
  {
    auto lock = db_->Lock();
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("SELECT symbol, rows, first_date, last_date, has_volume, "
                     "owner_id, imported_at FROM studio_datasets ORDER BY "
                     "symbol"));
    TY_ASSIGN_OR_RETURN(
        out, store::ReadRows<DatasetInfo>(s, [](const Statement& r) {
          return DatasetInfo{r.ColumnText(0), "imported",
                             r.ColumnInt(1),  r.ColumnText(2),
                             r.ColumnText(3), r.ColumnInt(4) != 0,
                             r.ColumnText(5), r.ColumnInt(6)};
        }));
  }
  const std::string today = ml::FormatDate(Today(*clock_));
  for (const auto& demo : DemoSymbols()) {
    bool imported =
        std::any_of(out.begin(), out.end(),
                    [&](const DatasetInfo& d) { return d.symbol == demo; });
    if (!imported) {
      out.push_back(DatasetInfo{demo, "synthetic", 0, kSyntheticFirstDay, today,
                                true, "", 0});
    }
  }
  return out;
}

}  // namespace trainyard::studio
