#include "chain/snapshot.h"

#include <algorithm>
#include <cstring>

#include "chain/history.h"
#include "univ3/tick_math.h"

namespace trainyard::chain {

using nlohmann::json;
using univ3::i128;
using univ3::u128;

namespace {

Bytes Getter(const char* signature) { return AbiEncoder(signature).Finish(); }

std::string Dec(const U256& v) { return univ3::ToDecimal(v); }
std::string Dec128(u128 v) { return univ3::ToDecimal(U256::FromU128(v)); }
std::string DecI128(i128 v) {
  return univ3::ToSignedDecimal(univ3::I256FromI128(v));
}

// A reply that does not decode means the address is not a V3 pool.
Status NotAPool(const Address& pool, const Status& why) {
  return ValidationError(pool.Hex() +
                         " does not answer as a Uniswap V3 pool (" +
                         why.message() + ")");
}

Result<U256> JsonU256(const json& j, const char* name, int bits) {
  if (!j.contains(name) || !j[name].is_string()) {
    return ValidationError(std::string("snapshot: '") + name +
                           "' must be a decimal string");
  }
  auto v = univ3::ParseU256(j[name].get<std::string>());
  if (!v || !v->FitsBits(bits)) {
    return ValidationError(std::string("snapshot: '") + name +
                           "' is not a uint" + std::to_string(bits));
  }
  return *v;
}

Result<i128> JsonI128(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) {
    return ValidationError(std::string("snapshot: '") + name +
                           "' must be a decimal string");
  }
  auto v = univ3::ParseI256(j[name].get<std::string>());
  i128 out = 0;
  if (!v || !univ3::ToInt128(*v, &out)) {
    return ValidationError(std::string("snapshot: '") + name +
                           "' is not an int128");
  }
  return out;
}

Result<int64_t> JsonInt(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_number_integer()) {
    return ValidationError(std::string("snapshot: '") + name +
                           "' must be an integer");
  }
  return j[name].get<int64_t>();
}

Result<Address> JsonAddress(const json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_string()) {
    return ValidationError(std::string("snapshot: '") + name +
                           "' must be an address");
  }
  return Address::Parse(j[name].get<std::string>());
}

}  // namespace

Bytes TicksCall(int32_t tick) {
  return AbiEncoder("ticks(int24)").Int(tick).Finish();
}

Bytes TickBitmapCall(int16_t word) {
  return AbiEncoder("tickBitmap(int16)").Int(word).Finish();
}

Result<TokenInfo> ReadTokenInfo(EthClient& eth, const Address& token,
                                BlockTag block) {
  TokenInfo info;
  info.address = token;
  // One at a time: a token without symbol() reverts, which would fail a batch.
  Result<Bytes> symbol = eth.Call({token, Getter("symbol()")}, block);
  if (symbol.ok()) {
    Result<std::string> s = DecodeTokenText(*symbol);
    if (s.ok()) info.symbol = *s;
  } else if (symbol.status().code() != ErrorCode::kValidation) {
    return symbol.status();
  }
  Result<Bytes> decimals = eth.Call({token, Getter("decimals()")}, block);
  if (decimals.ok()) {
    Result<U256> d = AbiDecoder(*decimals).Uint(0, 8);
    if (d.ok()) info.decimals = static_cast<int>(d->w[0]);
  } else if (decimals.status().code() != ErrorCode::kValidation) {
    return decimals.status();
  }
  return info;
}

Result<PoolKey> ReadPoolKey(EthClient& eth, const Address& pool,
                            BlockTag block) {
  Result<std::vector<Bytes>> r =
      eth.CallBatch({{pool, Getter("token0()")},
                     {pool, Getter("token1()")},
                     {pool, Getter("fee()")},
                     {pool, Getter("tickSpacing()")}},
                    block);
  if (!r.ok()) {
    if (r.status().code() == ErrorCode::kValidation)
      return NotAPool(pool, r.status());
    return r.status();
  }
  PoolKey key;
  auto decode = [&]() -> Status {
    TY_ASSIGN_OR_RETURN(key.token0, AbiDecoder((*r)[0]).Addr(0));
    TY_ASSIGN_OR_RETURN(key.token1, AbiDecoder((*r)[1]).Addr(0));
    TY_ASSIGN_OR_RETURN(U256 fee, AbiDecoder((*r)[2]).Uint(0, 24));
    key.fee = static_cast<uint32_t>(fee.w[0]);
    TY_ASSIGN_OR_RETURN(key.tick_spacing, AbiDecoder((*r)[3]).Int32(0, 24));
    return Status::Ok();
  };
  Status s = decode();
  if (!s.ok()) return NotAPool(pool, s);
  return key;
}

namespace {

// The pool's getters the snapshot reads first, in the order DecodeHead takes.
std::vector<CallRequest> HeadGetters(const Address& pool) {
  return {{pool, Getter("fee()")},
          {pool, Getter("tickSpacing()")},
          {pool, Getter("token0()")},
          {pool, Getter("token1()")},
          {pool, Getter("slot0()")},
          {pool, Getter("liquidity()")},
          {pool, Getter("feeGrowthGlobal0X128()")},
          {pool, Getter("feeGrowthGlobal1X128()")},
          {pool, Getter("protocolFees()")}};
}

// What a snapshot reads before the tick bitmap: the chain, the pinned block,
// the pool's code and its getters' replies.
struct SnapshotHead {
  uint64_t chain_id = 0;
  BlockRef block;
  Bytes code;
  std::vector<Bytes> getters;
};

Status NoContract(const Address& pool, uint64_t block) {
  return ValidationError("no contract at " + pool.Hex() + " in block " +
                         std::to_string(block));
}

// One call at a time, each failure named precisely: the path taken when the
// batched one fails (a future block, no contract, not a pool).
Result<SnapshotHead> ReadHeadOneByOne(EthClient& eth, const Address& pool,
                                      BlockTag block) {
  SnapshotHead head;
  TY_ASSIGN_OR_RETURN(head.chain_id, eth.ChainId());
  if (block) {
    head.block.number = *block;
  } else {
    TY_ASSIGN_OR_RETURN(head.block.number, eth.BlockNumber());
  }
  TY_ASSIGN_OR_RETURN(head.block.hash, eth.BlockHash(head.block.number));
  TY_ASSIGN_OR_RETURN(head.code, eth.GetCode(pool, head.block.number));
  if (head.code.empty()) return NoContract(pool, head.block.number);
  Result<std::vector<Bytes>> replies =
      eth.CallBatch(HeadGetters(pool), head.block.number);
  if (!replies.ok()) {
    if (replies.status().code() == ErrorCode::kValidation)
      return NotAPool(pool, replies.status());
    return replies.status();
  }
  head.getters = std::move(*replies);
  return head;
}

// The same reads in as few round trips as the block allows: one when the
// caller pinned the block (chain id, block, code and getters together), two
// for "latest" (the getters must name the block's number, known only from
// the first reply). Any failure is retried one by one for a precise error.
Result<SnapshotHead> ReadHead(EthClient& eth, const Address& pool,
                              BlockTag block) {
  const std::vector<CallRequest> getters = HeadGetters(pool);
  auto pool_reads = [&](uint64_t number, std::vector<RpcRequest>* out) {
    out->push_back(GetCodeRpc(pool, number));
    for (const CallRequest& g : getters) out->push_back(EthCallRpc(g, number));
  };
  std::vector<RpcRequest> first = {ChainIdRpc(), BlockRpc(block)};
  if (block) pool_reads(*block, &first);
  Result<std::vector<nlohmann::json>> r = eth.rpc().Batch(first);
  if (!r.ok()) {
    if (r.status().code() != ErrorCode::kValidation) return r.status();
    return ReadHeadOneByOne(eth, pool, block);
  }
  std::vector<nlohmann::json> replies = std::move(*r);
  SnapshotHead head;
  TY_ASSIGN_OR_RETURN(head.chain_id,
                      Quantity64Reply(replies[0], "eth_chainId"));
  Result<BlockRef> ref = BlockReply(replies[1]);
  if (!ref.ok()) {
    if (ref.status().code() == ErrorCode::kNotFound && block)
      return NotFoundError("no block " + std::to_string(*block));
    return ref.status();
  }
  head.block = *ref;
  if (block && head.block.number != *block) {
    return Status(ErrorCode::kUnavailable,
                  "malformed node reply: asked for block " +
                      std::to_string(*block) + ", got " +
                      std::to_string(head.block.number));
  }
  if (!block) {
    std::vector<RpcRequest> second;
    pool_reads(head.block.number, &second);
    Result<std::vector<nlohmann::json>> r2 = eth.rpc().Batch(second);
    if (!r2.ok()) {
      if (r2.status().code() != ErrorCode::kValidation) return r2.status();
      return ReadHeadOneByOne(eth, pool, head.block.number);
    }
    replies = std::move(*r2);
  } else {
    replies.erase(replies.begin(), replies.begin() + 2);
  }
  TY_ASSIGN_OR_RETURN(head.code, BytesReply(replies[0], "eth_getCode"));
  if (head.code.empty()) return NoContract(pool, head.block.number);
  for (size_t i = 1; i < replies.size(); ++i) {
    TY_ASSIGN_OR_RETURN(Bytes b, BytesReply(replies[i], "eth_call"));
    head.getters.push_back(std::move(b));
  }
  return head;
}

}  // namespace

Result<PoolSnapshot> ReadPoolSnapshot(EthClient& eth, const Address& pool,
                                      BlockTag block,
                                      const SnapshotOptions& options) {
  const uint64_t trips_before = eth.rpc().round_trips();
  PoolSnapshot snap;
  snap.pool = pool;
  TY_ASSIGN_OR_RETURN(SnapshotHead head, ReadHead(eth, pool, block));
  snap.chain_id = head.chain_id;
  snap.block = head.block.number;
  snap.block_hash = head.block.hash;
  const std::vector<Bytes>& r = head.getters;
  univ3::PoolState& st = snap.state;
  {
    auto decode = [&]() -> Status {
      TY_ASSIGN_OR_RETURN(U256 fee, AbiDecoder(r[0]).Uint(0, 24));
      st.fee = static_cast<uint32_t>(fee.w[0]);
      TY_ASSIGN_OR_RETURN(st.tick_spacing, AbiDecoder(r[1]).Int32(0, 24));
      TY_ASSIGN_OR_RETURN(snap.token0.address, AbiDecoder(r[2]).Addr(0));
      TY_ASSIGN_OR_RETURN(snap.token1.address, AbiDecoder(r[3]).Addr(0));
      AbiDecoder slot0(r[4]);
      TY_ASSIGN_OR_RETURN(st.slot0.sqrt_price_x96, slot0.Uint(0, 160));
      TY_ASSIGN_OR_RETURN(st.slot0.tick, slot0.Int32(1, 24));
      TY_ASSIGN_OR_RETURN(U256 fee_protocol, slot0.Uint(5, 8));
      st.slot0.fee_protocol = static_cast<uint8_t>(fee_protocol.w[0]);
      TY_ASSIGN_OR_RETURN(st.slot0.unlocked, slot0.Bool(6));
      TY_ASSIGN_OR_RETURN(st.liquidity, AbiDecoder(r[5]).Uint128(0));
      TY_ASSIGN_OR_RETURN(st.fee_growth_global0_x128, AbiDecoder(r[6]).Uint(0));
      TY_ASSIGN_OR_RETURN(st.fee_growth_global1_x128, AbiDecoder(r[7]).Uint(0));
      TY_ASSIGN_OR_RETURN(st.protocol_fees0, AbiDecoder(r[8]).Uint128(0));
      TY_ASSIGN_OR_RETURN(st.protocol_fees1, AbiDecoder(r[8]).Uint128(1));
      return Status::Ok();
    };
    Status s = decode();
    if (!s.ok()) return NotAPool(pool, s);
  }
  if (st.tick_spacing <= 0 || st.tick_spacing >= 16384) {
    return NotAPool(pool, ValidationError("tick spacing " +
                                          std::to_string(st.tick_spacing)));
  }

  // Every bitmap word that can hold a valid tick of this spacing.
  const int32_t min_word = (univ3::kMinTick / st.tick_spacing) >> 8;
  const int32_t max_word = (univ3::kMaxTick / st.tick_spacing) >> 8;
  std::vector<CallRequest> word_calls;
  for (int32_t w = min_word; w <= max_word; ++w) {
    word_calls.push_back({pool, TickBitmapCall(static_cast<int16_t>(w))});
  }
  TY_ASSIGN_OR_RETURN(std::vector<Bytes> words,
                      eth.CallBatch(word_calls, snap.block));
  std::vector<int32_t> ticks;
  for (size_t i = 0; i < words.size(); ++i) {
    Result<U256> word = AbiDecoder(words[i]).Uint(0);
    if (!word.ok()) return NotAPool(pool, word.status());
    for (int bit = 0; bit < 256; ++bit) {
      if (word->Bit(bit)) {
        const int32_t compressed =
            (min_word + static_cast<int32_t>(i)) * 256 + bit;
        ticks.push_back(compressed * st.tick_spacing);
      }
    }
  }
  std::vector<CallRequest> tick_calls;
  tick_calls.reserve(ticks.size());
  for (int32_t t : ticks) tick_calls.push_back({pool, TicksCall(t)});
  TY_ASSIGN_OR_RETURN(std::vector<Bytes> infos,
                      eth.CallBatch(tick_calls, snap.block));
  for (size_t i = 0; i < ticks.size(); ++i) {
    AbiDecoder d(infos[i]);
    univ3::TickInfo info;
    auto decode = [&]() -> Status {
      TY_ASSIGN_OR_RETURN(info.liquidity_gross, d.Uint128(0));
      TY_ASSIGN_OR_RETURN(info.liquidity_net, d.Int128(1));
      TY_ASSIGN_OR_RETURN(info.fee_growth_outside0_x128, d.Uint(2));
      TY_ASSIGN_OR_RETURN(info.fee_growth_outside1_x128, d.Uint(3));
      TY_ASSIGN_OR_RETURN(info.initialized, d.Bool(7));
      return Status::Ok();
    };
    Status s = decode();
    if (!s.ok()) return NotAPool(pool, s);
    if (!info.initialized) {
      return Status(ErrorCode::kUnavailable,
                    "inconsistent reads: tick " + std::to_string(ticks[i]) +
                        " is in the bitmap but not initialized");
    }
    st.ticks.emplace_back(ticks[i], info);
  }

  std::vector<CallRequest> position_calls;
  for (const ChainPositionKey& k : options.positions) {
    position_calls.push_back({pool, AbiEncoder("positions(bytes32)")
                                        .Bytes32(PositionKeyHash(k))
                                        .Finish()});
  }
  TY_ASSIGN_OR_RETURN(std::vector<Bytes> position_words,
                      eth.CallBatch(position_calls, snap.block));
  for (size_t i = 0; i < options.positions.size(); ++i) {
    AbiDecoder d(position_words[i]);
    ChainPosition p;
    p.key = options.positions[i];
    auto decode = [&]() -> Status {
      TY_ASSIGN_OR_RETURN(p.info.liquidity, d.Uint128(0));
      TY_ASSIGN_OR_RETURN(p.info.fee_growth_inside0_last_x128, d.Uint(1));
      TY_ASSIGN_OR_RETURN(p.info.fee_growth_inside1_last_x128, d.Uint(2));
      TY_ASSIGN_OR_RETURN(p.info.tokens_owed0, d.Uint128(3));
      TY_ASSIGN_OR_RETURN(p.info.tokens_owed1, d.Uint128(4));
      return Status::Ok();
    };
    Status s = decode();
    if (!s.ok()) return NotAPool(pool, s);
    st.positions.push_back(
        {{EngineOwner(p.key.owner), p.key.tick_lower, p.key.tick_upper},
         p.info});
    snap.positions.push_back(std::move(p));
  }

  if (options.token_metadata) {
    TY_ASSIGN_OR_RETURN(TokenInfo t0,
                        ReadTokenInfo(eth, snap.token0.address, snap.block));
    TY_ASSIGN_OR_RETURN(TokenInfo t1,
                        ReadTokenInfo(eth, snap.token1.address, snap.block));
    snap.token0 = t0;
    snap.token1 = t1;
  }
  // The block was pinned by number: if the node's chain reorganised meanwhile,
  // some reads may come from the old block and some from the new one.
  TY_ASSIGN_OR_RETURN(Hash32 hash_after, eth.BlockHash(snap.block));
  if (hash_after != snap.block_hash) {
    return Status(ErrorCode::kUnavailable,
                  "reorg: block " + std::to_string(snap.block) +
                      " changed while the snapshot was read; retry");
  }
  snap.round_trips = eth.rpc().round_trips() - trips_before;
  return snap;
}

Hash32 PositionKeyHash(const ChainPositionKey& key) {
  // abi.encodePacked(address, int24, int24): 20 + 3 + 3 bytes.
  uint8_t packed[26];
  std::memcpy(packed, key.owner.bytes.data(), 20);
  for (int k = 0; k < 3; ++k) {
    packed[20 + k] = static_cast<uint8_t>(
        static_cast<uint32_t>(key.tick_lower) >> (8 * (2 - k)));
    packed[23 + k] = static_cast<uint8_t>(
        static_cast<uint32_t>(key.tick_upper) >> (8 * (2 - k)));
  }
  return Keccak256(packed, sizeof packed);
}

Result<univ3::Pool> ToPool(const PoolSnapshot& snapshot) {
  return univ3::Pool::FromState(snapshot.state);
}

json ToJson(const PoolSnapshot& s) {
  json ticks = json::array();
  for (const auto& [tick, info] : s.state.ticks) {
    ticks.push_back(
        {{"tick", tick},
         {"liquidity_gross", Dec128(info.liquidity_gross)},
         {"liquidity_net", DecI128(info.liquidity_net)},
         {"fee_growth_outside0_x128", Dec(info.fee_growth_outside0_x128)},
         {"fee_growth_outside1_x128", Dec(info.fee_growth_outside1_x128)}});
  }
  json positions = json::array();
  for (const ChainPosition& p : s.positions) {
    positions.push_back({{"owner", p.key.owner.Hex()},
                         {"tick_lower", p.key.tick_lower},
                         {"tick_upper", p.key.tick_upper},
                         {"liquidity", Dec128(p.info.liquidity)},
                         {"fee_growth_inside0_last_x128",
                          Dec(p.info.fee_growth_inside0_last_x128)},
                         {"fee_growth_inside1_last_x128",
                          Dec(p.info.fee_growth_inside1_last_x128)},
                         {"tokens_owed0", Dec128(p.info.tokens_owed0)},
                         {"tokens_owed1", Dec128(p.info.tokens_owed1)}});
  }
  auto token = [](const TokenInfo& t) {
    return json{{"address", t.address.Hex()},
                {"symbol", t.symbol},
                {"decimals", t.decimals}};
  };
  return {{"chain_id", s.chain_id},
          {"pool", s.pool.Hex()},
          {"block", s.block},
          {"block_hash", HexEncode(s.block_hash)},
          {"token0", token(s.token0)},
          {"token1", token(s.token1)},
          {"fee", s.state.fee},
          {"tick_spacing", s.state.tick_spacing},
          {"sqrt_price_x96", Dec(s.state.slot0.sqrt_price_x96)},
          {"tick", s.state.slot0.tick},
          {"fee_protocol", s.state.slot0.fee_protocol},
          {"liquidity", Dec128(s.state.liquidity)},
          {"fee_growth_global0_x128", Dec(s.state.fee_growth_global0_x128)},
          {"fee_growth_global1_x128", Dec(s.state.fee_growth_global1_x128)},
          {"protocol_fees0", Dec128(s.state.protocol_fees0)},
          {"protocol_fees1", Dec128(s.state.protocol_fees1)},
          {"ticks", ticks},
          {"positions", positions}};
}

Result<PoolSnapshot> SnapshotFromJson(const json& j) {
  if (!j.is_object()) return ValidationError("snapshot must be a JSON object");
  PoolSnapshot s;
  TY_ASSIGN_OR_RETURN(int64_t chain_id, JsonInt(j, "chain_id"));
  s.chain_id = static_cast<uint64_t>(chain_id);
  TY_ASSIGN_OR_RETURN(s.pool, JsonAddress(j, "pool"));
  TY_ASSIGN_OR_RETURN(int64_t block, JsonInt(j, "block"));
  s.block = static_cast<uint64_t>(block);
  if (j.contains("block_hash") && j["block_hash"].is_string()) {
    TY_ASSIGN_OR_RETURN(s.block_hash,
                        ParseHash32(j["block_hash"].get<std::string>()));
  }
  for (auto [name, token] :
       {std::pair{"token0", &s.token0}, std::pair{"token1", &s.token1}}) {
    if (!j.contains(name) || !j[name].is_object()) {
      return ValidationError(std::string("snapshot: '") + name +
                             "' must be an object");
    }
    TY_ASSIGN_OR_RETURN(token->address, JsonAddress(j[name], "address"));
    token->symbol = j[name].value("symbol", "");
    token->decimals = j[name].value("decimals", -1);
  }
  univ3::PoolState& st = s.state;
  TY_ASSIGN_OR_RETURN(int64_t fee, JsonInt(j, "fee"));
  TY_ASSIGN_OR_RETURN(int64_t spacing, JsonInt(j, "tick_spacing"));
  TY_ASSIGN_OR_RETURN(int64_t tick, JsonInt(j, "tick"));
  TY_ASSIGN_OR_RETURN(int64_t fee_protocol, JsonInt(j, "fee_protocol"));
  if (fee < 0 || fee >= 1000000 || spacing <= 0 || spacing >= 16384 ||
      tick < univ3::kMinTick || tick > univ3::kMaxTick || fee_protocol < 0 ||
      fee_protocol > 255) {
    return ValidationError(
        "snapshot: fee, tick_spacing, tick or fee_protocol out of range");
  }
  st.fee = static_cast<uint32_t>(fee);
  st.tick_spacing = static_cast<int32_t>(spacing);
  st.slot0.tick = static_cast<int32_t>(tick);
  st.slot0.fee_protocol = static_cast<uint8_t>(fee_protocol);
  st.slot0.unlocked = true;
  TY_ASSIGN_OR_RETURN(st.slot0.sqrt_price_x96,
                      JsonU256(j, "sqrt_price_x96", 160));
  TY_ASSIGN_OR_RETURN(U256 liquidity, JsonU256(j, "liquidity", 128));
  st.liquidity = liquidity.Low128();
  TY_ASSIGN_OR_RETURN(st.fee_growth_global0_x128,
                      JsonU256(j, "fee_growth_global0_x128", 256));
  TY_ASSIGN_OR_RETURN(st.fee_growth_global1_x128,
                      JsonU256(j, "fee_growth_global1_x128", 256));
  TY_ASSIGN_OR_RETURN(U256 pf0, JsonU256(j, "protocol_fees0", 128));
  TY_ASSIGN_OR_RETURN(U256 pf1, JsonU256(j, "protocol_fees1", 128));
  st.protocol_fees0 = pf0.Low128();
  st.protocol_fees1 = pf1.Low128();
  if (!j.contains("ticks") || !j["ticks"].is_array()) {
    return ValidationError("snapshot: 'ticks' must be an array");
  }
  for (const json& t : j["ticks"]) {
    if (!t.is_object())
      return ValidationError("snapshot: each tick must be an object");
    univ3::TickInfo info;
    TY_ASSIGN_OR_RETURN(int64_t index, JsonInt(t, "tick"));
    TY_ASSIGN_OR_RETURN(U256 gross, JsonU256(t, "liquidity_gross", 128));
    info.liquidity_gross = gross.Low128();
    TY_ASSIGN_OR_RETURN(info.liquidity_net, JsonI128(t, "liquidity_net"));
    TY_ASSIGN_OR_RETURN(info.fee_growth_outside0_x128,
                        JsonU256(t, "fee_growth_outside0_x128", 256));
    TY_ASSIGN_OR_RETURN(info.fee_growth_outside1_x128,
                        JsonU256(t, "fee_growth_outside1_x128", 256));
    info.initialized = true;
    if (index < univ3::kMinTick || index > univ3::kMaxTick) {
      return ValidationError("snapshot: tick out of range");
    }
    st.ticks.emplace_back(static_cast<int32_t>(index), info);
  }
  if (j.contains("positions")) {
    if (!j["positions"].is_array())
      return ValidationError("snapshot: 'positions' must be an array");
    for (const json& p : j["positions"]) {
      if (!p.is_object())
        return ValidationError("snapshot: each position must be an object");
      ChainPosition cp;
      TY_ASSIGN_OR_RETURN(cp.key.owner, JsonAddress(p, "owner"));
      TY_ASSIGN_OR_RETURN(int64_t lower, JsonInt(p, "tick_lower"));
      TY_ASSIGN_OR_RETURN(int64_t upper, JsonInt(p, "tick_upper"));
      if (lower < univ3::kMinTick || upper > univ3::kMaxTick)
        return ValidationError("snapshot: position range out of range");
      cp.key.tick_lower = static_cast<int32_t>(lower);
      cp.key.tick_upper = static_cast<int32_t>(upper);
      TY_ASSIGN_OR_RETURN(U256 l, JsonU256(p, "liquidity", 128));
      cp.info.liquidity = l.Low128();
      TY_ASSIGN_OR_RETURN(cp.info.fee_growth_inside0_last_x128,
                          JsonU256(p, "fee_growth_inside0_last_x128", 256));
      TY_ASSIGN_OR_RETURN(cp.info.fee_growth_inside1_last_x128,
                          JsonU256(p, "fee_growth_inside1_last_x128", 256));
      TY_ASSIGN_OR_RETURN(U256 o0, JsonU256(p, "tokens_owed0", 128));
      TY_ASSIGN_OR_RETURN(U256 o1, JsonU256(p, "tokens_owed1", 128));
      cp.info.tokens_owed0 = o0.Low128();
      cp.info.tokens_owed1 = o1.Low128();
      st.positions.push_back(
          {{EngineOwner(cp.key.owner), cp.key.tick_lower, cp.key.tick_upper},
           cp.info});
      s.positions.push_back(std::move(cp));
    }
  }
  // The engine is the judge of consistency (spacing, repeats, price range).
  TY_RETURN_IF_ERROR(univ3::Pool::FromState(st).status());
  return s;
}

}  // namespace trainyard::chain
