// Uniswap V3's read-only periphery on a chain: the factory's getPool (which
// pool a token pair and fee tier have) and QuoterV2's single-pool quotes
// (what a swap would pay or cost now, as the chain itself computes it by
// simulating the swap). A quote is the chain's answer to the question the
// exact engine answers from a snapshot (chain/snapshot.h): tests compare
// the two.
#pragma once

#include <cstdint>
#include <optional>

#include "chain/eth.h"

namespace trainyard::chain {

// UniswapV3Factory.getPool(tokenA, tokenB, fee) at `block`: the pool's
// address, or nullopt when the pair has no pool of that fee tier (the
// factory answers the zero address). The tokens may come in either order.
// VALIDATION_ERROR if `factory` does not answer getPool (not a factory, no
// code, a revert); the node's errors otherwise.
Result<std::optional<Address>> GetPool(EthClient& eth, const Address& factory,
                                       const Address& token_a,
                                       const Address& token_b, uint32_t fee,
                                       BlockTag block);

// One swap through one pool, as QuoterV2 takes it. `amount` is what goes in
// (exact input) or what must come out (exact output). A zero price limit
// means none.
struct QuoteRequest {
  Address token_in;
  Address token_out;
  uint32_t fee = 0;
  U256 amount;
  U256 sqrt_price_limit_x96;
};

struct Quote {
  // Exact input: what comes out. Exact output: what must go in.
  U256 amount;
  U256 sqrt_price_x96_after;
  uint32_t initialized_ticks_crossed = 0;
  U256 gas_estimate;  // QuoterV2's own estimate of the swap's gas
};

// QuoterV2.quoteExactInputSingle / quoteExactOutputSingle at `block`, by
// eth_call (the quoter simulates the swap and reverts with the result;
// nothing is sent, nothing is paid). VALIDATION_ERROR "execution reverted"
// when the swap itself would fail (no pool, no liquidity for an exact
// output); the node's errors otherwise.
Result<Quote> QuoteExactInputSingle(EthClient& eth, const Address& quoter,
                                    const QuoteRequest& request,
                                    BlockTag block);
Result<Quote> QuoteExactOutputSingle(EthClient& eth, const Address& quoter,
                                     const QuoteRequest& request,
                                     BlockTag block);

}  // namespace trainyard::chain
