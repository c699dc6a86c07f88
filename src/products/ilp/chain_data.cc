#include "products/ilp/chain_data.h"

#include <algorithm>

#include "chain/history.h"
#include "chain/snapshot.h"
#include "market/price_csv.h"
#include "univ3/price.h"

namespace trainyard::ilp {
namespace {

using nlohmann::json;

constexpr const char* kMetaFile = "meta.json";
constexpr const char* kEventsFile = "events.csv";
constexpr const char* kPricesFile = "prices.csv";
constexpr const char* kArtifactKind = "ilp.market_data";
constexpr int kImportTimeoutMs = 60000;

Status NoMarketData(const std::string& name) {
  return Status(ErrorCode::kNotFound, "no market data '" + name + "'",
                {{"market_data",
                  "you have no imported market data of this "
                  "name (GET /api/v1/chain/pool-history/)"}});
}

json TokenJson(const chain::TokenInfo& t, int decimals) {
  return {{"address", t.address.Hex()},
          {"symbol", t.symbol},
          {"decimals", decimals}};
}

}  // namespace

json ChainImportSpecToJson(const ChainImportSpec& s) {
  return {{"owner_id", s.owner_id},
          {"name", s.name},
          {"endpoint", s.endpoint},
          {"pool", s.pool},
          {"from_block", s.from_block},
          {"to_block", s.to_block ? json(*s.to_block) : json(nullptr)},
          {"page_blocks", s.page_blocks}};
}

Result<ChainImportSpec> ChainImportSpecFromJson(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("name") || !j.contains("pool"))
    return ValidationError("not a chain import job");
  ChainImportSpec s;
  try {
    s.owner_id = j.at("owner_id").get<std::string>();
    s.name = j.at("name").get<std::string>();
    s.endpoint = j.at("endpoint").get<std::string>();
    s.pool = j.at("pool").get<std::string>();
    s.from_block = j.at("from_block").get<uint64_t>();
    if (!j.at("to_block").is_null())
      s.to_block = j.at("to_block").get<uint64_t>();
    s.page_blocks = j.value("page_blocks", uint64_t{5000});
  } catch (const json::exception&) {
    return ValidationError("not a chain import job");
  }
  return s;
}

Status ValidateMarketDataName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name[0] != '.';
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                c == '-' || c == '.');
  }
  if (ok) return Status::Ok();
  return ValidationError(
      "invalid market data name",
      {{"name", "must be 1-64 of A-Z a-z 0-9 _ - . (not starting with .)"}});
}

std::string MarketDataDir(const std::string& owner_id,
                          const std::string& name) {
  return "datasets/chain/" + owner_id + "/" + name;
}

std::string MarketPricesPath(const std::string& owner_id,
                             const std::string& name) {
  return MarketDataDir(owner_id, name) + "/" + kPricesFile;
}

Status BeginMarketDataImport(store::ArtifactStore* artifacts,
                             const ChainImportSpec& spec,
                             const std::string& job_id, int64_t now_ms) {
  const std::string dir = MarketDataDir(spec.owner_id, spec.name);
  TY_RETURN_IF_ERROR(
      artifacts->Claim(dir, spec.owner_id, kArtifactKind, now_ms));
  json meta = {
      {"name", spec.name},
      {"status", "importing"},
      {"job_id", job_id},
      {"endpoint", spec.endpoint},
      {"pool", spec.pool},
      {"from_block", spec.from_block},
      {"to_block", spec.to_block ? json(*spec.to_block) : json(nullptr)},
      {"path", dir}};
  TY_RETURN_IF_ERROR(
      artifacts->Put(dir + "/" + kMetaFile, meta.dump(1) + "\n").status());
  // Published for API servers on other hosts to answer "importing".
  return artifacts->Publish(dir, now_ms).status();
}

Result<json> ReadMarketDataMeta(store::ArtifactStore* artifacts,
                                const std::string& owner_id,
                                const std::string& name) {
  if (!ValidateMarketDataName(name).ok()) return NoMarketData(name);
  // The import job may have run (or be running) on another host.
  TY_RETURN_IF_ERROR(
      artifacts->Refresh(MarketDataDir(owner_id, name)).status());
  Result<std::string> text =
      artifacts->Get(MarketDataDir(owner_id, name) + "/" + kMetaFile);
  if (text.status().code() == ErrorCode::kNotFound) return NoMarketData(name);
  TY_RETURN_IF_ERROR(text.status());
  json meta = json::parse(*text, nullptr, false);
  if (!meta.is_object()) {
    return Status(ErrorCode::kCorruption,
                  "market data '" + name + "': meta.json unreadable");
  }
  return meta;
}

Result<std::vector<std::string>> ListMarketData(store::ArtifactStore* artifacts,
                                                const std::string& owner_id) {
  TY_RETURN_IF_ERROR(artifacts->Refresh("datasets/chain/" + owner_id).status());
  Result<std::vector<std::string>> names =
      artifacts->List("datasets/chain/" + owner_id);
  if (names.status().code() == ErrorCode::kNotFound)
    return std::vector<std::string>();
  TY_RETURN_IF_ERROR(names.status());
  std::vector<std::string> out;
  for (const std::string& n : *names) {
    if (ValidateMarketDataName(n).ok()) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<double>> LoadMarketPricesAt(store::ArtifactStore* artifacts,
                                               const std::string& relative) {
  TY_RETURN_IF_ERROR(artifacts->Refresh(relative).status());
  TY_ASSIGN_OR_RETURN(std::string text, artifacts->Get(relative));
  Result<std::vector<market::PriceRow>> rows = market::ParsePriceCsv(text);
  if (!rows.ok()) {
    return Status(
        ErrorCode::kCorruption,
        "stored market data no longer parses: " + rows.status().message());
  }
  std::vector<double> prices;
  prices.reserve(rows->size());
  for (const market::PriceRow& r : *rows) prices.push_back(r.price);
  return prices;
}

Result<std::vector<double>> LoadMarketPrices(store::ArtifactStore* artifacts,
                                             const std::string& owner_id,
                                             const std::string& name) {
  TY_ASSIGN_OR_RETURN(json meta, ReadMarketDataMeta(artifacts, owner_id, name));
  if (meta.value("status", "") != "ready") {
    return ConflictError("market data '" + name +
                         "' is still being imported (job " +
                         meta.value("job_id", "") + ")");
  }
  if (meta.value("price_rows", 0) < 2) {
    return ValidationError(
        "market data '" + name + "' has fewer than 2 blocks with swaps",
        {{"market_data", "nothing to replay: import a wider block range"}});
  }
  return LoadMarketPricesAt(artifacts, MarketPricesPath(owner_id, name));
}

namespace {

Status ImportOnce(const ChainEndpoints& endpoints,
                  store::ArtifactStore* artifacts, const Clock* clock,
                  jobs::JobContext& context) {
  TY_ASSIGN_OR_RETURN(ChainImportSpec spec,
                      ChainImportSpecFromJson(context.job().params));
  TY_ASSIGN_OR_RETURN(chain::Address pool, chain::Address::Parse(spec.pool));
  TY_ASSIGN_OR_RETURN(std::unique_ptr<chain::EthClient> eth,
                      endpoints.Connect(spec.endpoint, kImportTimeoutMs));
  TY_ASSIGN_OR_RETURN(uint64_t chain_id, eth->ChainId());
  uint64_t to = 0;
  if (spec.to_block) {
    to = *spec.to_block;
  } else {
    TY_ASSIGN_OR_RETURN(to, eth->BlockNumber());
  }
  if (to < spec.from_block) {
    return ValidationError("from_block " + std::to_string(spec.from_block) +
                           " is after the chain's block " + std::to_string(to));
  }
  const int64_t total = static_cast<int64_t>(to - spec.from_block + 1);
  context.ReportProgress(0, total, json{{"events", 0}}.dump());
  chain::LogPaging paging;
  paging.initial_range = std::max<uint64_t>(1, spec.page_blocks);
  paging.on_page = [&](uint64_t last, size_t logs) -> Status {
    context.ReportProgress(static_cast<int64_t>(last - spec.from_block + 1),
                           total,
                           json{{"events", logs}, {"last_block", last}}.dump());
    if (context.ShouldStop()) return jobs::JobStopped();
    return Status::Ok();
  };
  TY_ASSIGN_OR_RETURN(
      chain::PoolMarket m,
      chain::ReadPoolMarket(*eth, pool, spec.from_block, to, paging));
  const std::string dir = MarketDataDir(spec.owner_id, spec.name);
  TY_RETURN_IF_ERROR(
      artifacts->Claim(dir, spec.owner_id, kArtifactKind, clock->NowMillis()));
  TY_RETURN_IF_ERROR(
      artifacts->Put(dir + "/" + kEventsFile, m.events_csv).status());
  TY_RETURN_IF_ERROR(
      artifacts->Put(dir + "/" + kPricesFile, m.prices_csv).status());
  // The data before the "ready" meta.json, for other hosts too.
  TY_RETURN_IF_ERROR(artifacts->Publish(dir, clock->NowMillis()).status());
  json meta = {{"name", spec.name},
               {"status", "ready"},
               {"job_id", context.job().id},
               {"endpoint", spec.endpoint},
               {"chain_id", chain_id},
               {"pool", pool.Hex()},
               {"fee", m.key.fee},
               {"tick_spacing", m.key.tick_spacing},
               {"token0", TokenJson(m.token0, m.decimals0)},
               {"token1", TokenJson(m.token1, m.decimals1)},
               {"from_block", spec.from_block},
               {"to_block", to},
               {"to_block_hash", chain::HexEncode(m.history.to_block_hash)},
               {"events", m.history.events.size()},
               {"swaps", m.swaps},
               {"price_rows", m.price_rows},
               {"round_trips", eth->rpc().round_trips()},
               {"imported_at", FormatIso8601Millis(clock->NowMillis())},
               {"path", dir},
               {"events_file", std::string(kEventsFile)},
               {"prices_file", std::string(kPricesFile)}};
  // meta.json last: until it says "ready", nobody replays the files.
  TY_RETURN_IF_ERROR(
      artifacts->Put(dir + "/" + kMetaFile, meta.dump(1) + "\n").status());
  TY_RETURN_IF_ERROR(
      artifacts->Publish(dir + "/" + kMetaFile, clock->NowMillis()).status());
  context.ReportProgress(
      total, total,
      json{{"events", m.history.events.size()}, {"last_block", to}}.dump());
  context.SetResult(meta.dump());
  return Status::Ok();
}

}  // namespace

Status RunChainImport(const ChainEndpoints& endpoints,
                      store::ArtifactStore* artifacts, const Clock* clock,
                      jobs::JobContext& context) {
  Status s = ImportOnce(endpoints, artifacts, clock, context);
  // The worker pool reads UNAVAILABLE as "stopped before finishing" and
  // puts the job back in the queue (jobs::IsJobStopped). A node that stays
  // unreachable after the client's own retries fails the import instead of
  // being retried forever; only a real stop goes back to the queue.
  if (jobs::IsJobStopped(s) && !context.ShouldStop())
    return Status(ErrorCode::kInternal, s.message());
  return s;
}

Result<LivePool> ReadLivePool(chain::EthClient& eth, const chain::Address& pool,
                              chain::BlockTag block, size_t max_prices,
                              uint64_t lookback_blocks) {
  LivePool live;
  TY_ASSIGN_OR_RETURN(live.chain_id, eth.ChainId());
  if (block) {
    live.block = *block;
  } else {
    TY_ASSIGN_OR_RETURN(live.block, eth.BlockNumber());
  }
  TY_ASSIGN_OR_RETURN(chain::PoolKey key,
                      chain::ReadPoolKey(eth, pool, live.block));
  live.fee = key.fee;
  live.tick_spacing = key.tick_spacing;
  TY_ASSIGN_OR_RETURN(chain::TokenInfo t0,
                      chain::ReadTokenInfo(eth, key.token0, live.block));
  TY_ASSIGN_OR_RETURN(chain::TokenInfo t1,
                      chain::ReadTokenInfo(eth, key.token1, live.block));
  live.decimals0 = t0.decimals >= 0 ? t0.decimals : 18;
  live.decimals1 = t1.decimals >= 0 ? t1.decimals : 18;
  live.symbol0 = t0.symbol;
  live.symbol1 = t1.symbol;
  TY_ASSIGN_OR_RETURN(
      chain::Bytes slot0,
      eth.Call({pool, chain::AbiEncoder("slot0()").Finish()}, live.block));
  chain::AbiDecoder d(slot0);
  TY_ASSIGN_OR_RETURN(univ3::U256 sqrt_price, d.Uint(0, 160));
  TY_ASSIGN_OR_RETURN(live.tick, d.Int32(1, 24));
  live.price =
      univ3::SqrtPriceX96ToPrice(sqrt_price, live.decimals0, live.decimals1);
  const uint64_t from =
      live.block + 1 > lookback_blocks ? live.block + 1 - lookback_blocks : 0;
  TY_ASSIGN_OR_RETURN(chain::PoolHistory h,
                      chain::ReadPoolHistory(eth, pool, from, live.block));
  for (const chain::PoolEvent& e : h.events) {
    if (e.kind == chain::PoolEventKind::kSwap) {
      live.prices.push_back(univ3::SqrtPriceX96ToPrice(
          e.sqrt_price_x96, live.decimals0, live.decimals1));
    }
  }
  live.prices.push_back(live.price);
  if (max_prices > 0 && live.prices.size() > max_prices)
    live.prices.erase(live.prices.begin(),
                      live.prices.end() - static_cast<ptrdiff_t>(max_prices));
  return live;
}

}  // namespace trainyard::ilp
