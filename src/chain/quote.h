// What one swap through a live Uniswap V3 pool would do now: the exact
// engine loaded from a snapshot of the pool (chain/snapshot.h) predicts the
// amounts, the fee, the price and tick after and the ticks crossed; when a
// QuoterV2 is named, the chain's own simulation of the same swap at the
// same block is read beside it (chain/periphery.h) and the two compared.
// `trainyard chain quote` prints this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "chain/eth.h"
#include "chain/periphery.h"

namespace trainyard::chain {

struct SwapQuoteRequest {
  bool zero_for_one = true;   // token0 in, token1 out
  bool exact_input = true;    // `amount` goes in; false: `amount` comes out
  U256 amount;                // smallest units, 0 < amount < 2^255
  U256 sqrt_price_limit_x96;  // 0: none (the swap may run to the end)
};

struct SwapQuote {
  uint64_t chain_id = 0;
  uint64_t block = 0;
  Address token_in;
  Address token_out;
  uint32_t fee = 0;
  U256 amount_in;   // paid into the pool, fee included
  U256 amount_out;  // paid out of the pool
  U256 fee_amount;  // on the input token, protocol share included
  U256 sqrt_price_x96_before;
  U256 sqrt_price_x96_after;
  int32_t tick_before = 0;
  int32_t tick_after = 0;
  int32_t initialized_ticks_crossed = 0;
  // The price limit (or the pool's liquidity) stopped the swap before the
  // whole amount was swapped.
  bool partial = false;
  uint64_t round_trips = 0;  // HTTP requests of the snapshot (and quoter)
  // Filled when a quoter was named: its answer at the same block, or why it
  // refused (QuoterV2 reverts on an exact output the pool cannot fill).
  std::optional<Quote> quoter;
  std::string quoter_error;
  // The quoter's amount (out for exact input, in for exact output) and
  // price after equal the engine's. False without a quoter answer.
  bool quoter_agrees = false;
};

// Reads `pool` at `block` (latest if nullopt, then pinned) and swaps a copy
// of it in the engine. With `quoter`, QuoterV2 answers the same swap at the
// same block by eth_call. Errors: VALIDATION_ERROR for a zero or too large
// amount, an address that is not a V3 pool, or a swap the pool itself would
// refuse (a price limit on the wrong side of the price: "SPL"); the node's
// errors otherwise. A quoter that reverts is not an error (quoter_error).
Result<SwapQuote> QuoteSwap(
    EthClient& eth, const Address& pool, const SwapQuoteRequest& request,
    BlockTag block, const std::optional<Address>& quoter = std::nullopt);

// JSON with every amount as a decimal string.
nlohmann::json ToJson(const SwapQuote& quote);

}  // namespace trainyard::chain
