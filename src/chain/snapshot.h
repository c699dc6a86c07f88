// A Uniswap V3 pool's complete state at one block, read from a node over
// JSON-RPC: slot0, liquidity, fee growth, protocol fees and every
// initialised tick (the tickBitmap words are walked, then ticks() is
// batched), loaded into the exact engine (univ3::Pool) so that the engine's
// answer to "what would this swap do now" is what the chain would do.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "chain/eth.h"
#include "univ3/pool.h"

namespace trainyard::chain {

struct TokenInfo {
  Address address;
  std::string symbol;  // empty if the token does not answer symbol()
  int decimals = -1;   // -1 if the token does not answer decimals()
};

// A position as UniswapV3Pool keys it: positions(keccak256(abi.encodePacked(
// owner, tickLower, tickUpper))). Through the NonfungiblePositionManager the
// owner is the manager's address.
struct ChainPositionKey {
  Address owner;
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  friend bool operator==(const ChainPositionKey&,
                         const ChainPositionKey&) = default;
};
Hash32 PositionKeyHash(const ChainPositionKey& key);

// A position read from the pool (also in state.positions, keyed by
// EngineOwner(owner)).
struct ChainPosition {
  ChainPositionKey key;
  univ3::PositionInfo info;
};

struct PoolSnapshot {
  uint64_t chain_id = 0;
  Address pool;
  uint64_t block = 0;
  Hash32 block_hash{};
  TokenInfo token0;
  TokenInfo token1;
  univ3::PoolState state;                // ticks ascending
  std::vector<ChainPosition> positions;  // those SnapshotOptions named
  uint64_t round_trips = 0;              // HTTP requests the read took
};

struct SnapshotOptions {
  bool token_metadata = true;  // read symbol()/decimals() of both tokens
  // Positions to read as well (one batched positions(bytes32) per 200), so
  // that a replay starting mid-history carries their fee growth and tokens
  // owed; PositionsTouched(history) lists those a history needs. A position
  // the pool never had reads as all zeros.
  std::vector<ChainPositionKey> positions;
};

// Reads `pool` at `block` (latest if nullopt; the block is pinned first so
// every read sees one state). Errors: VALIDATION_ERROR if there is no
// contract at the address or it does not answer as a V3 pool; UNAVAILABLE
// for node failures, and "reorg" if the block's hash changed while reading.
Result<PoolSnapshot> ReadPoolSnapshot(EthClient& eth, const Address& pool,
                                      BlockTag block,
                                      const SnapshotOptions& options = {});

// What identifies a pool to the periphery: its tokens, fee and spacing.
struct PoolKey {
  Address token0;
  Address token1;
  uint32_t fee = 0;
  int32_t tick_spacing = 0;
};
// One batched round trip. VALIDATION_ERROR if `pool` is not a V3 pool.
Result<PoolKey> ReadPoolKey(EthClient& eth, const Address& pool,
                            BlockTag block);

// ERC-20 symbol/decimals at `block`; fields stay unset when not answered.
Result<TokenInfo> ReadTokenInfo(EthClient& eth, const Address& token,
                                BlockTag block);

// The engine in exactly the snapshot's state. VALIDATION_ERROR if the state
// is inconsistent (see univ3::Pool::FromState).
Result<univ3::Pool> ToPool(const PoolSnapshot& snapshot);

// JSON with integers as decimal strings (256-bit safe); FromJson accepts
// what ToJson writes and returns VALIDATION_ERROR for anything else.
nlohmann::json ToJson(const PoolSnapshot& snapshot);
Result<PoolSnapshot> SnapshotFromJson(const nlohmann::json& j);

// ABI call data of the pool's getters, for callers that read more.
Bytes TicksCall(int32_t tick);
Bytes TickBitmapCall(int16_t word);

}  // namespace trainyard::chain
