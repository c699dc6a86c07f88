// Market data from a chain for the ILP product: a pool's Swap/Mint/Burn
// history over a block range, imported by a job ("ilp.chain.import") as the
// caller's own data set — datasets/chain/<owner>/<name>/ holding
// events.csv, prices.csv (the market replay format) and meta.json, claimed
// for the owner in the artifact store — which training and evaluation can
// replay instead of a synthetic price process; and a live pool's current
// state and recent prices for predict-action / inference.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "chain/eth.h"
#include "core/clock.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "products/ilp/chain_endpoints.h"
#include "store/artifact_store.h"

namespace trainyard::ilp {

inline constexpr const char* kChainImportJobType = "ilp.chain.import";
// The widest block range one import may ask for.
inline constexpr uint64_t kMaxImportBlocks = 2'000'000;

// What an import job does, stored as its params (no URL: the endpoint is
// looked up by name when the job runs).
struct ChainImportSpec {
  std::string owner_id;
  std::string name;      // the data set's name, per owner
  std::string endpoint;  // ChainEndpoints name
  std::string pool;      // 0x address
  uint64_t from_block = 0;
  std::optional<uint64_t> to_block;  // nullopt: the latest block at start
  uint64_t page_blocks = 5000;
};
nlohmann::json ChainImportSpecToJson(const ChainImportSpec& spec);
Result<ChainImportSpec> ChainImportSpecFromJson(const std::string& text);

// VALIDATION_ERROR (field "name") unless 1-64 of [A-Za-z0-9_.-], not
// starting with '.'.
Status ValidateMarketDataName(const std::string& name);
// datasets/chain/<owner>/<name>, relative to the data directory.
std::string MarketDataDir(const std::string& owner_id, const std::string& name);
// Its prices.csv, relative to the data directory (for LoadMarketPricesAt).
std::string MarketPricesPath(const std::string& owner_id,
                             const std::string& name);

// Claims the data set's directory for the owner and records a queued import
// by `job_id` in its meta.json (earlier files stay until the job replaces
// them). Errors from the artifact store.
Status BeginMarketDataImport(store::ArtifactStore* artifacts,
                             const ChainImportSpec& spec,
                             const std::string& job_id, int64_t now_ms);

// The owner's data set's meta.json: name, pool, chain_id, blocks, counts,
// tokens, job_id and "status" ("importing" until its job completes, then
// "ready"). NOT_FOUND "no market data '<name>'" when the owner has none of
// that name, whoever else has.
Result<nlohmann::json> ReadMarketDataMeta(store::ArtifactStore* artifacts,
                                          const std::string& owner_id,
                                          const std::string& name);
// Names of the owner's data sets, sorted.
Result<std::vector<std::string>> ListMarketData(store::ArtifactStore* artifacts,
                                                const std::string& owner_id);
// The prices of a ready data set (one per block with swaps, oldest first),
// for UniswapV3LpConfig::replay_prices. NOT_FOUND as ReadMarketDataMeta;
// CONFLICT while it is importing; VALIDATION_ERROR if it holds fewer than 2
// prices (nothing to replay).
Result<std::vector<double>> LoadMarketPrices(store::ArtifactStore* artifacts,
                                             const std::string& owner_id,
                                             const std::string& name);
// The same from a prices.csv path relative to the data directory (training
// jobs, which were checked when submitted).
Result<std::vector<double>> LoadMarketPricesAt(store::ArtifactStore* artifacts,
                                               const std::string& relative);

// The job handler: reads the history through the named endpoint (progress
// in blocks, metrics {"events", "last_block"}), then writes events.csv,
// prices.csv and meta.json. Nothing is replaced unless the whole range was
// read; cancellation is checked after every eth_getLogs page. A node that
// cannot be reached (after the JSON-RPC client's retries) fails the job
// with the endpoint's name; it is not queued again.
Status RunChainImport(const ChainEndpoints& endpoints,
                      store::ArtifactStore* artifacts, const Clock* clock,
                      jobs::JobContext& context);

// A live pool at a block: what predict-action needs to place a range on it.
struct LivePool {
  uint64_t chain_id = 0;
  uint64_t block = 0;
  uint32_t fee = 0;
  int32_t tick_spacing = 0;
  int decimals0 = 18, decimals1 = 18;
  std::string symbol0, symbol1;
  double price = 0.0;  // token1 per token0 in whole tokens, from slot0
  int32_t tick = 0;
  // The prices after the last swaps in the lookback window, then the
  // current price (oldest first, at least one).
  std::vector<double> prices;
};
// Reads slot0, the pool's key and tokens, and the Swap events of the last
// `lookback_blocks` blocks up to `block` (latest if nullopt), keeping the
// last `max_prices` prices. Errors as chain::ReadPoolKey / ReadPoolHistory.
Result<LivePool> ReadLivePool(chain::EthClient& eth, const chain::Address& pool,
                              chain::BlockTag block, size_t max_prices,
                              uint64_t lookback_blocks);

}  // namespace trainyard::ilp
