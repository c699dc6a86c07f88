// The events of a UniswapV3Pool (Swap, Mint, Burn, Collect, Flash) decoded
// from eth_getLogs entries into one flat record, 256-bit amounts intact.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chain/abi.h"

namespace trainyard::chain {

// One log entry as eth_getLogs / a receipt returns it.
struct Log {
  Address address;
  std::vector<Hash32> topics;
  Bytes data;
  uint64_t block_number = 0;
  Hash32 block_hash{};
  Hash32 tx_hash{};
  uint64_t tx_index = 0;
  uint64_t log_index = 0;
  bool removed = false;  // dropped by a reorganisation
};

enum class PoolEventKind { kSwap, kMint, kBurn, kCollect, kFlash };
// "swap", "mint", ... (the CSV's kind column).
const char* PoolEventKindName(PoolEventKind kind);

// Topic0 of each event (keccak of the canonical signature).
const Hash32& SwapTopic();
const Hash32& MintTopic();
const Hash32& BurnTopic();
const Hash32& CollectTopic();
const Hash32& FlashTopic();

// A decoded pool event. Fields not carried by an event kind stay zero:
//   swap:    sender, recipient, amount0, amount1 (signed pool deltas),
//            sqrt_price_x96, liquidity (in range after), tick
//   mint:    sender, owner, tick_lower, tick_upper, amount (liquidity),
//            amount0, amount1 (paid in)
//   burn:    owner, tick_lower, tick_upper, amount, amount0, amount1 (owed)
//   collect: owner, recipient, tick_lower, tick_upper, amount0, amount1
//   flash:   sender, recipient, amount0, amount1 (borrowed), paid0, paid1
struct PoolEvent {
  PoolEventKind kind = PoolEventKind::kSwap;
  uint64_t block_number = 0;
  uint64_t tx_index = 0;
  uint64_t log_index = 0;
  Hash32 tx_hash{};
  Address sender;
  Address owner;
  Address recipient;
  I256 amount0;
  I256 amount1;
  U256 sqrt_price_x96;
  univ3::u128 liquidity = 0;
  int32_t tick = 0;
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  univ3::u128 amount = 0;
  U256 paid0;
  U256 paid1;
};

// True if the log's topic0 is one of the five pool events.
bool IsPoolEvent(const Log& log);

// Decodes a pool event. VALIDATION_ERROR for another topic, a wrong topic
// count or malformed data (a field out of its type's range).
Result<PoolEvent> DecodePoolEvent(const Log& log);

}  // namespace trainyard::chain
