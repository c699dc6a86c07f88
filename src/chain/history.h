// A pool's event history over a block range (Swap, Mint, Burn, Collect,
// Flash from eth_getLogs), as a replayable market: the price path with the
// volumes and liquidity changes, in CSV for the ILP environment and the
// market's price replay, and replayed through the exact engine to check it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/eth.h"
#include "chain/events.h"
#include "chain/snapshot.h"
#include "univ3/pool.h"

namespace trainyard::chain {

struct PoolHistory {
  Address pool;
  uint64_t from_block = 0;
  uint64_t to_block = 0;
  Hash32 to_block_hash{};
  std::vector<PoolEvent> events;  // block, then log order
  uint64_t round_trips = 0;
};

// The pool's events in [from_block, to_block]. Errors: VALIDATION_ERROR for
// an empty range or an undecodable event; UNAVAILABLE for node failures and
// "reorg" when to_block's hash changed while reading (nothing is returned).
Result<PoolHistory> ReadPoolHistory(EthClient& eth, const Address& pool,
                                    uint64_t from_block, uint64_t to_block,
                                    const LogPaging& paging = {});

// CSV with a header row, one event per line, integers in full decimal:
// block,tx_index,log_index,tx_hash,kind,sender,owner,recipient,amount0,
// amount1,sqrt_price_x96,liquidity,tick,tick_lower,tick_upper,amount,price
// where price is token1 per token0 in whole tokens (decimals applied; 18/18
// if unknown) after a swap, empty for other events.
std::string HistoryCsv(const PoolHistory& history, int decimals0 = 18,
                       int decimals1 = 18);

// The market's replay format (market/price_csv.h): "timestamp,price,volume"
// with one row per block that had swaps: the price after its last swap and
// the block's token0 volume in whole tokens. `timestamps` maps each block
// with swaps to its time (seconds); see ReadBlockTimestamps.
std::string PriceCsv(
    const PoolHistory& history,
    const std::vector<std::pair<uint64_t, int64_t>>& timestamps,
    int decimals0 = 18, int decimals1 = 18);

// Timestamps of the given blocks, batched.
Result<std::vector<std::pair<uint64_t, int64_t>>> ReadBlockTimestamps(
    EthClient& eth, const std::vector<uint64_t>& blocks);

// A pool's history together with what turns it into market data: the
// pool's tokens (decimals applied only in the price columns) and both CSVs.
struct PoolMarket {
  PoolHistory history;
  PoolKey key;
  TokenInfo token0, token1;  // decimals -1 when the token does not say
  int decimals0 = 18, decimals1 = 18;  // as used (18 when unknown)
  std::string events_csv;              // HistoryCsv
  std::string prices_csv;              // PriceCsv, block timestamps applied
  int64_t swaps = 0;
  int64_t price_rows = 0;  // rows of prices_csv (blocks with swaps)
};

// ReadPoolHistory, then the pool's key and token metadata at `to_block` and
// the swap blocks' timestamps. Errors as ReadPoolHistory and ReadPoolKey;
// nothing partial is returned.
Result<PoolMarket> ReadPoolMarket(EthClient& eth, const Address& pool,
                                  uint64_t from_block, uint64_t to_block,
                                  const LogPaging& paging = {});

// The positions a history's mints, burns and collects touch, in first-seen
// order: what a snapshot before its first event must read for the replay
// to carry their fee growth (SnapshotOptions::positions).
std::vector<ChainPositionKey> PositionsTouched(
    const std::vector<PoolEvent>& events);

// Owner of a position in the engine for an on-chain owner address.
univ3::OwnerId EngineOwner(const Address& owner);

struct ReplayReport {
  int swaps = 0;
  int exact_swaps = 0;  // amounts reproduced exactly as well (see below)
  int mints = 0;
  int burns = 0;
  int collects = 0;
};

// Applies the events to `pool` (which must be the pool's state just before
// the first event, positions included for any burned range) and checks that
// every swap ends at the chain's price, tick and in-range liquidity. The
// history does not say whether a swap was exact-in or exact-out: each swap
// is tried as exact-in of what was paid, then exact-out of what was paid
// out, and kept if amounts and price match exactly (exact_swaps); a swap
// that ended on its price limit is replayed "up to the event's price", which
// reproduces the price path but may differ in fee rounding. Returns
// VALIDATION_ERROR naming the first event that the engine cannot apply or
// whose price, tick or liquidity differs.
Result<ReplayReport> ReplayHistory(const std::vector<PoolEvent>& events,
                                   univ3::Pool* pool);

}  // namespace trainyard::chain
