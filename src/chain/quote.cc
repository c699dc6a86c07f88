#include "chain/quote.h"

#include "chain/snapshot.h"
#include "univ3/tick_math.h"

namespace trainyard::chain {

using nlohmann::json;

Result<SwapQuote> QuoteSwap(EthClient& eth, const Address& pool,
                            const SwapQuoteRequest& request, BlockTag block,
                            const std::optional<Address>& quoter) {
  if (request.amount.IsZero() || request.amount.Bit(255)) {
    return ValidationError("the amount must be above 0 and below 2^255");
  }
  const uint64_t trips_before = eth.rpc().round_trips();
  SnapshotOptions options;
  options.token_metadata = false;
  TY_ASSIGN_OR_RETURN(PoolSnapshot snap,
                      ReadPoolSnapshot(eth, pool, block, options));
  TY_ASSIGN_OR_RETURN(univ3::Pool engine, ToPool(snap));
  SwapQuote q;
  q.chain_id = snap.chain_id;
  q.block = snap.block;
  q.fee = snap.state.fee;
  q.token_in = request.zero_for_one ? snap.token0.address : snap.token1.address;
  q.token_out =
      request.zero_for_one ? snap.token1.address : snap.token0.address;
  q.sqrt_price_x96_before = engine.slot0().sqrt_price_x96;
  q.tick_before = engine.slot0().tick;
  U256 limit = request.sqrt_price_limit_x96;
  if (limit.IsZero()) {
    limit = request.zero_for_one ? univ3::kMinSqrtRatio + U256(1)
                                 : univ3::kMaxSqrtRatio - U256(1);
  }
  Result<univ3::SwapResult> r = engine.Swap(
      request.zero_for_one,
      request.exact_input ? request.amount : univ3::Negate(request.amount),
      limit);
  if (!r.ok()) {
    return ValidationError("the pool would refuse this swap: " +
                           r.status().message());
  }
  const I256& in = request.zero_for_one ? r->amount0 : r->amount1;
  const I256& out = request.zero_for_one ? r->amount1 : r->amount0;
  q.amount_in = univ3::Abs(in);
  q.amount_out = univ3::Abs(out);
  q.fee_amount = r->fee_amount;
  q.sqrt_price_x96_after = engine.slot0().sqrt_price_x96;
  q.tick_after = engine.slot0().tick;
  q.initialized_ticks_crossed = r->ticks_crossed;
  q.partial =
      !((request.exact_input ? q.amount_in : q.amount_out) == request.amount);
  if (quoter) {
    // Same swap, same block; a zero limit means none to QuoterV2 as well.
    const QuoteRequest qr{q.token_in, q.token_out, q.fee, request.amount,
                          request.sqrt_price_limit_x96};
    Result<Quote> got =
        request.exact_input
            ? QuoteExactInputSingle(eth, *quoter, qr, snap.block)
            : QuoteExactOutputSingle(eth, *quoter, qr, snap.block);
    if (got.ok()) {
      q.quoter = *got;
      q.quoter_agrees =
          got->amount == (request.exact_input ? q.amount_out : q.amount_in) &&
          got->sqrt_price_x96_after == q.sqrt_price_x96_after;
    } else if (got.status().code() == ErrorCode::kValidation) {
      q.quoter_error = got.status().message();
    } else {
      return got.status();
    }
  }
  q.round_trips = eth.rpc().round_trips() - trips_before;
  return q;
}

json ToJson(const SwapQuote& q) {
  auto dec = [](const U256& v) { return univ3::ToDecimal(v); };
  json j = {{"chain_id", q.chain_id},
            {"block", q.block},
            {"token_in", q.token_in.Hex()},
            {"token_out", q.token_out.Hex()},
            {"fee", q.fee},
            {"amount_in", dec(q.amount_in)},
            {"amount_out", dec(q.amount_out)},
            {"fee_amount", dec(q.fee_amount)},
            {"sqrt_price_x96_before", dec(q.sqrt_price_x96_before)},
            {"sqrt_price_x96_after", dec(q.sqrt_price_x96_after)},
            {"tick_before", q.tick_before},
            {"tick_after", q.tick_after},
            {"initialized_ticks_crossed", q.initialized_ticks_crossed},
            {"partial", q.partial},
            {"round_trips", q.round_trips}};
  if (q.quoter) {
    j["quoter"] = {
        {"amount", dec(q.quoter->amount)},
        {"sqrt_price_x96_after", dec(q.quoter->sqrt_price_x96_after)},
        {"initialized_ticks_crossed", q.quoter->initialized_ticks_crossed},
        {"gas_estimate", dec(q.quoter->gas_estimate)},
        {"agrees", q.quoter_agrees}};
  } else if (!q.quoter_error.empty()) {
    j["quoter"] = {{"error", q.quoter_error}, {"agrees", false}};
  }
  return j;
}

}  // namespace trainyard::chain
