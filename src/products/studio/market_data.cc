#include "products/studio/market_data.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ml/calendar.h"
#include "ml/file_io.h"
#include "ml/synthetic.h"

namespace trainyard::studio {

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

DatasetInfo Imported(const store::studio::DatasetRow& row) {
  return DatasetInfo{row.symbol,     "imported",     row.rows,
                     row.first_date, row.last_date,  row.has_volume,
                     row.owner_id,   row.imported_at};
}

}  // namespace

const std::vector<std::string>& DemoSymbols() {
  static const std::vector<std::string> kSymbols = {
      "NIFTY50", "BANKNIFTY", "RELIANCE", "TCS", "INFY", "HDFCBANK"};
  return kSymbols;
}

Result<std::optional<DatasetInfo>> MarketData::Find(const std::string& symbol) {
  TY_ASSIGN_OR_RETURN(std::optional<store::studio::DatasetRow> row,
                      datasets_->Find(symbol));
  if (!row) return std::optional<DatasetInfo>();
  return std::optional<DatasetInfo>(Imported(*row));
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
  TY_RETURN_IF_ERROR(artifacts_->Put(relative, ToCsv(series)).status());
  TY_RETURN_IF_ERROR(
      artifacts_->Publish(relative, clock_->NowMillis()).status());
  DatasetInfo info{symbol,
                   "imported",
                   static_cast<int64_t>(series.size()),
                   ml::FormatDate(series.days.front()),
                   ml::FormatDate(series.days.back()),
                   series.has_volume,
                   owner_id,
                   clock_->NowMillis()};
  TY_RETURN_IF_ERROR(
      datasets_->Put({symbol, owner_id, relative, info.rows, info.first_date,
                      info.last_date, info.has_volume, info.imported_at}));
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
    // Another host may have imported it, or imported it again, since.
    const std::string relative = "datasets/" + symbol + ".csv";
    TY_RETURN_IF_ERROR(artifacts_->Refresh(relative).status());
    TY_ASSIGN_OR_RETURN(std::string path, artifacts_->dir().Resolve(relative));
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
  TY_ASSIGN_OR_RETURN(std::vector<store::studio::DatasetRow> rows,
                      datasets_->List());
  for (const auto& row : rows) out.push_back(Imported(row));
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
