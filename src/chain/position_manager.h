// Acting on a chain through Uniswap V3's NonfungiblePositionManager: mint a
// range, remove liquidity, collect fees, re-range (remove + collect + mint),
// from an account the node holds unlocked or with a key Trainyard holds
// (chain/signer.h). Every action is first dry-run
// with eth_call (its return values and the gas it would cost are reported)
// and is only sent when asked to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chain/eth.h"

namespace trainyard::chain {

// NonfungiblePositionManager.positions(tokenId).
struct NpmPosition {
  uint64_t token_id = 0;
  Address token0;
  Address token1;
  uint32_t fee = 0;
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  univ3::u128 liquidity = 0;
  U256 fee_growth_inside0_last_x128;
  U256 fee_growth_inside1_last_x128;
  univ3::u128 tokens_owed0 = 0;
  univ3::u128 tokens_owed1 = 0;
};

// VALIDATION_ERROR if the token does not exist ("Invalid token ID").
Result<NpmPosition> ReadNpmPosition(EthClient& eth, const Address& manager,
                                    uint64_t token_id, BlockTag block);

struct MintAction {
  Address token0;
  Address token1;
  uint32_t fee = 0;
  int32_t tick_lower = 0;
  int32_t tick_upper = 0;
  U256 amount0_desired;
  U256 amount1_desired;
  U256 amount0_min;
  U256 amount1_min;
};

// One transaction to send (or that was sent) and what it does.
struct ActionStep {
  std::string what;  // "mint", "decreaseLiquidity+collect", ...
  Bytes data;        // call data to the position manager
};

// The outcome of one step: the dry run's or the receipt's figures.
struct StepResult {
  std::string what;
  uint64_t gas = 0;  // estimate (dry run) or used (sent)
  U256 gas_price;    // wei per gas
  U256 cost_wei;     // gas * gas_price
  bool sent = false;
  Hash32 tx_hash{};
  uint64_t block = 0;
  uint64_t token_id = 0;      // mint: the new position
  univ3::u128 liquidity = 0;  // liquidity added (mint) or removed
  U256 amount0;               // paid in (mint) or collected (collect)
  U256 amount1;
};

// Call data of the manager's functions (deadline: unix seconds).
Bytes EncodeNpmMint(const MintAction& a, const Address& recipient,
                    uint64_t deadline);
Bytes EncodeNpmDecreaseLiquidity(uint64_t token_id, univ3::u128 liquidity,
                                 uint64_t deadline);
Bytes EncodeNpmCollectAll(uint64_t token_id, const Address& recipient);
// multicall(bytes[]) of several calls, in one transaction.
Bytes EncodeNpmMulticall(const std::vector<Bytes>& calls);

class LocalKey;  // chain/signer.h

struct ExecuteOptions {
  bool send = false;  // false: dry run only
  // Sends signed by this key (eth_sendRawTransaction) instead of
  // eth_sendTransaction from an unlocked node account; `from` must be its
  // address. Not owned.
  const LocalKey* signer = nullptr;
  uint64_t deadline = 0;  // 0: the latest block's time + 20 minutes
  int receipt_timeout_ms = 120000;
};

// Mints a new position for `from` (the recipient).
Result<StepResult> ExecuteMint(EthClient& eth, const Address& manager,
                               const Address& from, const MintAction& action,
                               const ExecuteOptions& options);
// Removes `liquidity` (all of it if nullopt) and collects everything owed,
// fees included, to `from`, in one multicall transaction.
Result<StepResult> ExecuteRemoveAndCollect(EthClient& eth,
                                           const Address& manager,
                                           const Address& from,
                                           uint64_t token_id,
                                           std::optional<univ3::u128> liquidity,
                                           const ExecuteOptions& options);
// Collects fees and anything owed without removing liquidity.
Result<StepResult> ExecuteCollect(EthClient& eth, const Address& manager,
                                  const Address& from, uint64_t token_id,
                                  const ExecuteOptions& options);
// Re-range: removes all of `token_id` and collects, then mints
// [tick_lower, tick_upper) with the amounts collected. A dry run reports the
// first transaction's figures and the mint dry-run at today's balances.
Result<std::vector<StepResult>> ExecuteRerange(
    EthClient& eth, const Address& manager, const Address& from,
    uint64_t token_id, int32_t tick_lower, int32_t tick_upper,
    const ExecuteOptions& options);

}  // namespace trainyard::chain
