#include "chain/position_manager.h"

#include <functional>

#include "chain/history.h"
#include "chain/signer.h"

namespace trainyard::chain {

using univ3::u128;

namespace {

const Hash32 kIncreaseLiquidity =
    EventTopic("IncreaseLiquidity(uint256,uint128,uint256,uint256)");
const Hash32 kDecreaseLiquidity =
    EventTopic("DecreaseLiquidity(uint256,uint128,uint256,uint256)");
const Hash32 kNpmCollect =
    EventTopic("Collect(uint256,address,uint256,uint256)");

constexpr u128 kU128Max = ~static_cast<u128>(0);

Result<uint64_t> TokenId(const U256& v) {
  if (!v.FitsU64()) return ValidationError("token id above 64 bits");
  return v.w[0];
}

Result<uint64_t> ResolveDeadline(EthClient& eth, const ExecuteOptions& o) {
  if (o.deadline != 0) return o.deadline;
  TY_ASSIGN_OR_RETURN(uint64_t latest, eth.BlockNumber());
  TY_ASSIGN_OR_RETURN(auto ts, ReadBlockTimestamps(eth, {latest}));
  return static_cast<uint64_t>(ts[0].second) + 1200;
}

// Dry run (eth_call + eth_estimateGas), then, with options.send, the
// transaction and its receipt. `decode_return` reads the dry run's return
// data into *result; after sending, the receipt's events overwrite it.
Result<StepResult> RunStep(
    EthClient& eth, const Address& manager, const Address& from,
    const ActionStep& step, const ExecuteOptions& options,
    const std::function<Status(const Bytes&, StepResult*)>& decode_return) {
  StepResult result;
  result.what = step.what;
  Result<Bytes> ret = eth.Call({manager, step.data}, std::nullopt, from);
  if (!ret.ok()) {
    return Status(ret.status().code(),
                  step.what + " dry run failed: " + ret.status().message());
  }
  TY_RETURN_IF_ERROR(decode_return(*ret, &result));
  TxRequest tx{from, manager, step.data, U256(), 0};
  TY_ASSIGN_OR_RETURN(result.gas, eth.EstimateGas(tx));
  TY_ASSIGN_OR_RETURN(result.gas_price, eth.GasPrice());
  result.cost_wei = U256(result.gas) * result.gas_price;
  if (!options.send) return result;

  // Estimates of calls that call back (mint) run short on some nodes:
  // send with headroom; only the gas used is paid.
  tx.gas = result.gas * 2;
  if (options.signer != nullptr) {
    TY_ASSIGN_OR_RETURN(result.tx_hash, SendSigned(eth, *options.signer, tx));
  } else {
    TY_ASSIGN_OR_RETURN(result.tx_hash, eth.SendTransaction(tx));
  }
  result.sent = true;
  TY_ASSIGN_OR_RETURN(
      Receipt receipt,
      eth.WaitForReceipt(result.tx_hash, options.receipt_timeout_ms));
  result.block = receipt.block_number;
  result.gas = receipt.gas_used;
  if (!receipt.effective_gas_price.IsZero())
    result.gas_price = receipt.effective_gas_price;
  result.cost_wei = U256(result.gas) * result.gas_price;
  if (!receipt.success) {
    return Status(ErrorCode::kConflict,
                  step.what + " transaction " + HexEncode(result.tx_hash) +
                      " reverted on chain in block " +
                      std::to_string(receipt.block_number));
  }
  for (const Log& log : receipt.logs) {
    if (!(log.address == manager) || log.topics.size() != 2) continue;
    AbiDecoder d(log.data);
    TY_ASSIGN_OR_RETURN(U256 id, AbiDecoder(log.topics[1].data(), 32).Uint(0));
    TY_ASSIGN_OR_RETURN(uint64_t token_id, TokenId(id));
    if (log.topics[0] == kIncreaseLiquidity ||
        log.topics[0] == kDecreaseLiquidity) {
      result.token_id = token_id;
      TY_ASSIGN_OR_RETURN(result.liquidity, d.Uint128(0));
      if (log.topics[0] == kIncreaseLiquidity) {
        TY_ASSIGN_OR_RETURN(result.amount0, d.Uint(1));
        TY_ASSIGN_OR_RETURN(result.amount1, d.Uint(2));
      }
    } else if (log.topics[0] == kNpmCollect) {
      TY_ASSIGN_OR_RETURN(result.amount0, d.Uint(1));
      TY_ASSIGN_OR_RETURN(result.amount1, d.Uint(2));
    }
  }
  return result;
}

Status DecodeMintReturn(const Bytes& ret, StepResult* r) {
  AbiDecoder d(ret);
  TY_ASSIGN_OR_RETURN(U256 id, d.Uint(0));
  TY_ASSIGN_OR_RETURN(r->token_id, TokenId(id));
  TY_ASSIGN_OR_RETURN(r->liquidity, d.Uint128(1));
  TY_ASSIGN_OR_RETURN(r->amount0, d.Uint(2));
  TY_ASSIGN_OR_RETURN(r->amount1, d.Uint(3));
  return Status::Ok();
}

// multicall's bytes[]: the last call is collect, returning (amount0, amount1).
Status DecodeCollectMulticallReturn(const Bytes& ret, StepResult* r) {
  TY_ASSIGN_OR_RETURN(std::vector<Bytes> results,
                      AbiDecoder(ret).BytesArray(0));
  if (results.empty()) return ValidationError("empty multicall result");
  AbiDecoder d(results.back());
  TY_ASSIGN_OR_RETURN(r->amount0, d.Uint(0));
  TY_ASSIGN_OR_RETURN(r->amount1, d.Uint(1));
  return Status::Ok();
}

}  // namespace

Bytes EncodeNpmMint(const MintAction& a, const Address& recipient,
                    uint64_t deadline) {
  return AbiEncoder(
             "mint((address,address,uint24,int24,int24,uint256,uint256,uint256,"
             "uint256,address,"
             "uint256))")
      .Addr(a.token0)
      .Addr(a.token1)
      .Uint(a.fee)
      .Int(a.tick_lower)
      .Int(a.tick_upper)
      .Uint(a.amount0_desired)
      .Uint(a.amount1_desired)
      .Uint(a.amount0_min)
      .Uint(a.amount1_min)
      .Addr(recipient)
      .Uint(deadline)
      .Finish();
}

Bytes EncodeNpmDecreaseLiquidity(uint64_t token_id, u128 liquidity,
                                 uint64_t deadline) {
  return AbiEncoder(
             "decreaseLiquidity((uint256,uint128,uint256,uint256,uint256))")
      .Uint(token_id)
      .Uint(U256::FromU128(liquidity))
      .Uint(0)
      .Uint(0)
      .Uint(deadline)
      .Finish();
}

Bytes EncodeNpmCollectAll(uint64_t token_id, const Address& recipient) {
  return AbiEncoder("collect((uint256,address,uint128,uint128))")
      .Uint(token_id)
      .Addr(recipient)
      .Uint(U256::FromU128(kU128Max))
      .Uint(U256::FromU128(kU128Max))
      .Finish();
}

Bytes EncodeNpmMulticall(const std::vector<Bytes>& calls) {
  return AbiEncoder("multicall(bytes[])").BytesArray(calls).Finish();
}

Result<NpmPosition> ReadNpmPosition(EthClient& eth, const Address& manager,
                                    uint64_t token_id, BlockTag block) {
  TY_ASSIGN_OR_RETURN(
      Bytes ret,
      eth.Call(
          {manager, AbiEncoder("positions(uint256)").Uint(token_id).Finish()},
          block));
  AbiDecoder d(ret);
  NpmPosition p;
  p.token_id = token_id;
  TY_ASSIGN_OR_RETURN(p.token0, d.Addr(2));
  TY_ASSIGN_OR_RETURN(p.token1, d.Addr(3));
  TY_ASSIGN_OR_RETURN(U256 fee, d.Uint(4, 24));
  p.fee = static_cast<uint32_t>(fee.w[0]);
  TY_ASSIGN_OR_RETURN(p.tick_lower, d.Int32(5, 24));
  TY_ASSIGN_OR_RETURN(p.tick_upper, d.Int32(6, 24));
  TY_ASSIGN_OR_RETURN(p.liquidity, d.Uint128(7));
  TY_ASSIGN_OR_RETURN(p.fee_growth_inside0_last_x128, d.Uint(8));
  TY_ASSIGN_OR_RETURN(p.fee_growth_inside1_last_x128, d.Uint(9));
  TY_ASSIGN_OR_RETURN(p.tokens_owed0, d.Uint128(10));
  TY_ASSIGN_OR_RETURN(p.tokens_owed1, d.Uint128(11));
  return p;
}

Result<StepResult> ExecuteMint(EthClient& eth, const Address& manager,
                               const Address& from, const MintAction& action,
                               const ExecuteOptions& options) {
  if (action.tick_lower >= action.tick_upper) {
    return ValidationError("tick_lower must be below tick_upper");
  }
  TY_ASSIGN_OR_RETURN(uint64_t deadline, ResolveDeadline(eth, options));
  return RunStep(eth, manager, from,
                 {"mint", EncodeNpmMint(action, from, deadline)}, options,
                 DecodeMintReturn);
}

Result<StepResult> ExecuteRemoveAndCollect(EthClient& eth,
                                           const Address& manager,
                                           const Address& from,
                                           uint64_t token_id,
                                           std::optional<u128> liquidity,
                                           const ExecuteOptions& options) {
  TY_ASSIGN_OR_RETURN(NpmPosition position,
                      ReadNpmPosition(eth, manager, token_id, std::nullopt));
  const u128 amount = liquidity ? *liquidity : position.liquidity;
  if (amount > position.liquidity) {
    return ValidationError("position " + std::to_string(token_id) +
                           " has less liquidity than asked");
  }
  TY_ASSIGN_OR_RETURN(uint64_t deadline, ResolveDeadline(eth, options));
  std::vector<Bytes> calls;
  if (amount > 0)
    calls.push_back(EncodeNpmDecreaseLiquidity(token_id, amount, deadline));
  calls.push_back(EncodeNpmCollectAll(token_id, from));
  TY_ASSIGN_OR_RETURN(
      StepResult r,
      RunStep(eth, manager, from,
              {"decreaseLiquidity+collect", EncodeNpmMulticall(calls)}, options,
              DecodeCollectMulticallReturn));
  r.token_id = token_id;
  r.liquidity = amount;
  return r;
}

Result<StepResult> ExecuteCollect(EthClient& eth, const Address& manager,
                                  const Address& from, uint64_t token_id,
                                  const ExecuteOptions& options) {
  return ExecuteRemoveAndCollect(eth, manager, from, token_id, u128{0},
                                 options);
}

Result<std::vector<StepResult>> ExecuteRerange(
    EthClient& eth, const Address& manager, const Address& from,
    uint64_t token_id, int32_t tick_lower, int32_t tick_upper,
    const ExecuteOptions& options) {
  TY_ASSIGN_OR_RETURN(NpmPosition position,
                      ReadNpmPosition(eth, manager, token_id, std::nullopt));
  std::vector<StepResult> steps;
  TY_ASSIGN_OR_RETURN(StepResult removed,
                      ExecuteRemoveAndCollect(eth, manager, from, token_id,
                                              std::nullopt, options));
  steps.push_back(removed);
  MintAction mint;
  mint.token0 = position.token0;
  mint.token1 = position.token1;
  mint.fee = position.fee;
  mint.tick_lower = tick_lower;
  mint.tick_upper = tick_upper;
  mint.amount0_desired = removed.amount0;
  mint.amount1_desired = removed.amount1;
  TY_ASSIGN_OR_RETURN(StepResult minted,
                      ExecuteMint(eth, manager, from, mint, options));
  steps.push_back(minted);
  return steps;
}

}  // namespace trainyard::chain
