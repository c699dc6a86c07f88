#include "chain/events.h"

namespace trainyard::chain {

namespace {

const Hash32 kSwap =
    EventTopic("Swap(address,address,int256,int256,uint160,uint128,int24)");
const Hash32 kMint =
    EventTopic("Mint(address,address,int24,int24,uint128,uint256,uint256)");
const Hash32 kBurn =
    EventTopic("Burn(address,int24,int24,uint128,uint256,uint256)");
const Hash32 kCollect =
    EventTopic("Collect(address,address,int24,int24,uint128,uint128)");
const Hash32 kFlash =
    EventTopic("Flash(address,address,uint256,uint256,uint256,uint256)");

Status Expect(const Log& log, size_t topics, size_t words, const char* what) {
  if (log.topics.size() != topics || log.data.size() != 32 * words) {
    return ValidationError(std::string("malformed ") + what + " event: " +
                           std::to_string(log.topics.size()) + " topics, " +
                           std::to_string(log.data.size()) + " data bytes");
  }
  return Status::Ok();
}

// Indexed values are one ABI word each.
AbiDecoder TopicDecoder(const Log& log, size_t i) {
  return AbiDecoder(log.topics[i].data(), 32);
}

}  // namespace

const char* PoolEventKindName(PoolEventKind kind) {
  switch (kind) {
    case PoolEventKind::kSwap:
      return "swap";
    case PoolEventKind::kMint:
      return "mint";
    case PoolEventKind::kBurn:
      return "burn";
    case PoolEventKind::kCollect:
      return "collect";
    case PoolEventKind::kFlash:
      return "flash";
  }
  return "?";
}

const Hash32& SwapTopic() { return kSwap; }
const Hash32& MintTopic() { return kMint; }
const Hash32& BurnTopic() { return kBurn; }
const Hash32& CollectTopic() { return kCollect; }
const Hash32& FlashTopic() { return kFlash; }

bool IsPoolEvent(const Log& log) {
  if (log.topics.empty()) return false;
  const Hash32& t = log.topics[0];
  return t == kSwap || t == kMint || t == kBurn || t == kCollect || t == kFlash;
}

Result<PoolEvent> DecodePoolEvent(const Log& log) {
  if (log.topics.empty()) return ValidationError("log has no topics");
  PoolEvent e;
  e.block_number = log.block_number;
  e.tx_index = log.tx_index;
  e.log_index = log.log_index;
  e.tx_hash = log.tx_hash;
  AbiDecoder d(log.data);
  const Hash32& t = log.topics[0];
  if (t == kSwap) {
    TY_RETURN_IF_ERROR(Expect(log, 3, 5, "Swap"));
    e.kind = PoolEventKind::kSwap;
    TY_ASSIGN_OR_RETURN(e.sender, TopicDecoder(log, 1).Addr(0));
    TY_ASSIGN_OR_RETURN(e.recipient, TopicDecoder(log, 2).Addr(0));
    TY_ASSIGN_OR_RETURN(e.amount0, d.Int(0));
    TY_ASSIGN_OR_RETURN(e.amount1, d.Int(1));
    TY_ASSIGN_OR_RETURN(e.sqrt_price_x96, d.Uint(2, 160));
    TY_ASSIGN_OR_RETURN(e.liquidity, d.Uint128(3));
    TY_ASSIGN_OR_RETURN(e.tick, d.Int32(4, 24));
  } else if (t == kMint) {
    TY_RETURN_IF_ERROR(Expect(log, 4, 4, "Mint"));
    e.kind = PoolEventKind::kMint;
    TY_ASSIGN_OR_RETURN(e.owner, TopicDecoder(log, 1).Addr(0));
    TY_ASSIGN_OR_RETURN(e.tick_lower, TopicDecoder(log, 2).Int32(0, 24));
    TY_ASSIGN_OR_RETURN(e.tick_upper, TopicDecoder(log, 3).Int32(0, 24));
    TY_ASSIGN_OR_RETURN(e.sender, d.Addr(0));
    TY_ASSIGN_OR_RETURN(e.amount, d.Uint128(1));
    TY_ASSIGN_OR_RETURN(e.amount0, d.Uint(2));
    TY_ASSIGN_OR_RETURN(e.amount1, d.Uint(3));
  } else if (t == kBurn) {
    TY_RETURN_IF_ERROR(Expect(log, 4, 3, "Burn"));
    e.kind = PoolEventKind::kBurn;
    TY_ASSIGN_OR_RETURN(e.owner, TopicDecoder(log, 1).Addr(0));
    TY_ASSIGN_OR_RETURN(e.tick_lower, TopicDecoder(log, 2).Int32(0, 24));
    TY_ASSIGN_OR_RETURN(e.tick_upper, TopicDecoder(log, 3).Int32(0, 24));
    TY_ASSIGN_OR_RETURN(e.amount, d.Uint128(0));
    TY_ASSIGN_OR_RETURN(e.amount0, d.Uint(1));
    TY_ASSIGN_OR_RETURN(e.amount1, d.Uint(2));
  } else if (t == kCollect) {
    TY_RETURN_IF_ERROR(Expect(log, 4, 3, "Collect"));
    e.kind = PoolEventKind::kCollect;
    TY_ASSIGN_OR_RETURN(e.owner, TopicDecoder(log, 1).Addr(0));
    TY_ASSIGN_OR_RETURN(e.tick_lower, TopicDecoder(log, 2).Int32(0, 24));
    TY_ASSIGN_OR_RETURN(e.tick_upper, TopicDecoder(log, 3).Int32(0, 24));
    TY_ASSIGN_OR_RETURN(e.recipient, d.Addr(0));
    TY_ASSIGN_OR_RETURN(e.amount0, d.Uint(1, 128));
    TY_ASSIGN_OR_RETURN(e.amount1, d.Uint(2, 128));
  } else if (t == kFlash) {
    TY_RETURN_IF_ERROR(Expect(log, 3, 4, "Flash"));
    e.kind = PoolEventKind::kFlash;
    TY_ASSIGN_OR_RETURN(e.sender, TopicDecoder(log, 1).Addr(0));
    TY_ASSIGN_OR_RETURN(e.recipient, TopicDecoder(log, 2).Addr(0));
    TY_ASSIGN_OR_RETURN(e.amount0, d.Uint(0));
    TY_ASSIGN_OR_RETURN(e.amount1, d.Uint(1));
    TY_ASSIGN_OR_RETURN(e.paid0, d.Uint(2));
    TY_ASSIGN_OR_RETURN(e.paid1, d.Uint(3));
  } else {
    return ValidationError("not a Uniswap V3 pool event: topic " +
                           HexEncode(t));
  }
  return e;
}

}  // namespace trainyard::chain
