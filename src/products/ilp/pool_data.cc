#include "products/ilp/pool_data.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "market/presets.h"
#include "market/price_csv.h"
#include "products/ilp/predictor.h"

namespace trainyard::ilp {
namespace {

Result<market::PoolPreset> FindPool(const std::string& pool_id) {
  Result<market::PoolPreset> p = market::FindPreset(pool_id);
  if (!p.ok()) {
    return ValidationError("unknown pool_id '" + pool_id + "'",
                           {{"pool_id", "not a known pool"}});
  }
  return p;
}

// datasets/pools/<name with '/' as '-'>.csv, relative to the data dir.
std::string RelativePath(const market::PoolPreset& p) {
  std::string name = p.name;
  for (char& c : name)
    if (c == '/') c = '-';
  return "datasets/pools/" + name + ".csv";
}

}  // namespace

int64_t DateToEpochSeconds(const std::string& date) {
  // Howard Hinnant's days_from_civil.
  int y = std::stoi(date.substr(0, 4));
  const unsigned m = std::stoi(date.substr(5, 2));
  const unsigned d = std::stoi(date.substr(8, 2));
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (static_cast<int64_t>(era) * 146097 + doe - 719468) * 86400;
}

Result<ImportSummary> ImportPoolData(store::ArtifactStore& artifacts,
                                     const std::string& pool_id,
                                     std::string_view csv, int64_t now_ms) {
  TY_ASSIGN_OR_RETURN(market::PoolPreset pool, FindPool(pool_id));
  Result<std::vector<market::PriceRow>> rows = market::ParsePriceCsv(csv);
  if (!rows.ok()) {
    return ValidationError("invalid pool data: " + rows.status().message(),
                           {{"csv", rows.status().message()}});
  }
  ImportSummary s;
  s.pool = pool.name;
  s.path = RelativePath(pool);
  s.rows = static_cast<int64_t>(rows->size());
  s.first_timestamp = rows->front().timestamp;
  s.last_timestamp = rows->back().timestamp;
  // Stored normalised (Unix seconds) so later reads need no date parsing.
  std::ostringstream out;
  out.precision(17);
  out << "timestamp,price,volume\n";
  for (const market::PriceRow& r : *rows)
    out << r.timestamp << ',' << r.price << ',' << r.volume << '\n';
  Result<store::ArtifactInfo> written = artifacts.Put(s.path, out.str());
  if (!written.ok()) {
    return IoError("cannot store " + s.path + ": " +
                   written.status().message());
  }
  TY_RETURN_IF_ERROR(artifacts.Publish(s.path, now_ms).status());
  return s;
}

Result<std::optional<PoolHistory>> LoadPoolHistory(
    store::ArtifactStore& artifacts, const std::string& pool_id,
    const std::string& date, size_t max_rows) {
  TY_ASSIGN_OR_RETURN(market::PoolPreset pool, FindPool(pool_id));
  TY_RETURN_IF_ERROR(ValidateDate(date));
  TY_RETURN_IF_ERROR(artifacts.Refresh(RelativePath(pool)).status());
  TY_ASSIGN_OR_RETURN(std::string path,
                      artifacts.dir().Resolve(RelativePath(pool), "pool_id"));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return std::optional<PoolHistory>();
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  Result<std::vector<market::PriceRow>> rows =
      market::ParsePriceCsv(text.str());
  if (!rows.ok()) {
    return Status(
        ErrorCode::kCorruption,
        "stored pool data no longer parses: " + rows.status().message());
  }
  const int64_t end = DateToEpochSeconds(date) + 86400;  // exclusive
  size_t last = 0;
  while (last < rows->size() && (*rows)[last].timestamp < end) ++last;
  if (last == 0) return std::optional<PoolHistory>();
  PoolHistory h;
  const size_t first = last > max_rows ? last - max_rows : 0;
  for (size_t i = first; i < last; ++i) h.prices.push_back((*rows)[i].price);
  h.last_timestamp = (*rows)[last - 1].timestamp;
  h.file_mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return std::optional<PoolHistory>(std::move(h));
}

}  // namespace trainyard::ilp
