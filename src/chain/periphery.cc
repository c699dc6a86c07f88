#include "chain/periphery.h"

namespace trainyard::chain {
namespace {

Result<Quote> RunQuote(EthClient& eth, const Address& quoter,
                       const char* signature, const QuoteRequest& q,
                       BlockTag block) {
  // Both functions take one static tuple (tokenIn, tokenOut, amount, fee,
  // sqrtPriceLimitX96): its fields are encoded in place, in that order.
  const Bytes data = AbiEncoder(signature)
                         .Addr(q.token_in)
                         .Addr(q.token_out)
                         .Uint(q.amount)
                         .Uint(q.fee)
                         .Uint(q.sqrt_price_limit_x96)
                         .Finish();
  TY_ASSIGN_OR_RETURN(Bytes ret, eth.Call({quoter, data}, block));
  AbiDecoder d(ret);
  Quote out;
  TY_ASSIGN_OR_RETURN(out.amount, d.Uint(0));
  TY_ASSIGN_OR_RETURN(out.sqrt_price_x96_after, d.Uint(1, 160));
  TY_ASSIGN_OR_RETURN(U256 crossed, d.Uint(2, 32));
  out.initialized_ticks_crossed = static_cast<uint32_t>(crossed.w[0]);
  TY_ASSIGN_OR_RETURN(out.gas_estimate, d.Uint(3));
  return out;
}

}  // namespace

Result<std::optional<Address>> GetPool(EthClient& eth, const Address& factory,
                                       const Address& token_a,
                                       const Address& token_b, uint32_t fee,
                                       BlockTag block) {
  const Bytes data = AbiEncoder("getPool(address,address,uint24)")
                         .Addr(token_a)
                         .Addr(token_b)
                         .Uint(fee)
                         .Finish();
  TY_ASSIGN_OR_RETURN(Bytes ret, eth.Call({factory, data}, block));
  Result<Address> pool = AbiDecoder(ret).Addr(0);
  if (!pool.ok()) {
    return ValidationError(factory.Hex() +
                           " is not a Uniswap V3 factory: getPool answered " +
                           std::to_string(ret.size()) + " bytes");
  }
  if (*pool == Address()) return std::optional<Address>();
  return std::optional<Address>(*pool);
}

Result<Quote> QuoteExactInputSingle(EthClient& eth, const Address& quoter,
                                    const QuoteRequest& request,
                                    BlockTag block) {
  return RunQuote(eth, quoter,
                  "quoteExactInputSingle((address,address,uint256,uint24,"
                  "uint160))",
                  request, block);
}

Result<Quote> QuoteExactOutputSingle(EthClient& eth, const Address& quoter,
                                     const QuoteRequest& request,
                                     BlockTag block) {
  return RunQuote(eth, quoter,
                  "quoteExactOutputSingle((address,address,uint256,uint24,"
                  "uint160))",
                  request, block);
}

}  // namespace trainyard::chain
