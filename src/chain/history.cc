#include "chain/history.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "univ3/tick_math.h"

namespace trainyard::chain {

using univ3::u128;

namespace {

std::string Dec(const U256& v) { return univ3::ToDecimal(v); }
std::string SDec(const I256& v) { return univ3::ToSignedDecimal(v); }

// Price of token0 in token1 (whole tokens) from sqrtPriceX96.
double PriceOf(const U256& sqrt_price_x96, int decimals0, int decimals1) {
  double s = 0;
  for (int i = 3; i >= 0; --i)
    s = s * 18446744073709551616.0 + static_cast<double>(sqrt_price_x96.w[i]);
  s /= 79228162514264337593543950336.0;  // 2^96
  return s * s * std::pow(10.0, decimals0 - decimals1);
}

double WholeTokens(const U256& v, int decimals) {
  double d = 0;
  for (int i = 3; i >= 0; --i)
    d = d * 18446744073709551616.0 + static_cast<double>(v.w[i]);
  return d / std::pow(10.0, decimals);
}

std::string EventName(const PoolEvent& e) {
  return std::string(PoolEventKindName(e.kind)) + " in block " +
         std::to_string(e.block_number) + " (log " +
         std::to_string(e.log_index) + ")";
}

bool SwapMatches(const univ3::Pool& pool, const univ3::SwapResult& r,
                 const PoolEvent& e) {
  return r.amount0 == e.amount0 && r.amount1 == e.amount1 &&
         pool.slot0().sqrt_price_x96 == e.sqrt_price_x96;
}

}  // namespace

univ3::OwnerId EngineOwner(const Address& owner) {
  univ3::OwnerId id = 0;
  for (int i = 0; i < 8; ++i) id = id << 8 | owner.bytes[12 + i];
  return id;
}

Result<PoolHistory> ReadPoolHistory(EthClient& eth, const Address& pool,
                                    uint64_t from_block, uint64_t to_block,
                                    const LogPaging& paging) {
  if (to_block < from_block)
    return ValidationError("--to must not be below --from");
  const uint64_t trips_before = eth.rpc().round_trips();
  PoolHistory h;
  h.pool = pool;
  h.from_block = from_block;
  h.to_block = to_block;
  TY_ASSIGN_OR_RETURN(h.to_block_hash, eth.BlockHash(to_block));
  LogFilter filter;
  filter.address = pool;
  filter.topic0 = {SwapTopic(), MintTopic(), BurnTopic(), CollectTopic(),
                   FlashTopic()};
  filter.from_block = from_block;
  filter.to_block = to_block;
  TY_ASSIGN_OR_RETURN(std::vector<Log> logs, eth.GetLogs(filter, paging));
  h.events.reserve(logs.size());
  for (const Log& log : logs) {
    Result<PoolEvent> e = DecodePoolEvent(log);
    if (!e.ok()) {
      return ValidationError("block " + std::to_string(log.block_number) +
                             " log " + std::to_string(log.log_index) + ": " +
                             e.status().message());
    }
    h.events.push_back(std::move(*e));
  }
  // Pages were read at different times: if the range's last block was
  // replaced meanwhile, earlier pages may belong to an abandoned branch.
  TY_ASSIGN_OR_RETURN(Hash32 hash_after, eth.BlockHash(to_block));
  if (hash_after != h.to_block_hash) {
    return Status(ErrorCode::kUnavailable,
                  "reorg: block " + std::to_string(to_block) +
                      " changed while the history was read; retry");
  }
  h.round_trips = eth.rpc().round_trips() - trips_before;
  return h;
}

std::string HistoryCsv(const PoolHistory& history, int decimals0,
                       int decimals1) {
  std::ostringstream out;
  out << "block,tx_index,log_index,tx_hash,kind,sender,owner,recipient,amount0,"
         "amount1,"
         "sqrt_price_x96,liquidity,tick,tick_lower,tick_upper,amount,price\n";
  out.precision(17);
  for (const PoolEvent& e : history.events) {
    const bool swap = e.kind == PoolEventKind::kSwap;
    const bool ranged = e.kind == PoolEventKind::kMint ||
                        e.kind == PoolEventKind::kBurn ||
                        e.kind == PoolEventKind::kCollect;
    out << e.block_number << ',' << e.tx_index << ',' << e.log_index << ','
        << HexEncode(e.tx_hash) << ',' << PoolEventKindName(e.kind) << ','
        << (e.sender.IsZero() ? "" : e.sender.Hex()) << ','
        << (e.owner.IsZero() ? "" : e.owner.Hex()) << ','
        << (e.recipient.IsZero() ? "" : e.recipient.Hex()) << ','
        << (swap ? SDec(e.amount0) : Dec(e.amount0)) << ','
        << (swap ? SDec(e.amount1) : Dec(e.amount1)) << ',';
    if (swap) {
      out << Dec(e.sqrt_price_x96) << ',' << Dec(U256::FromU128(e.liquidity))
          << ',' << e.tick;
    } else {
      out << ",,";
    }
    out << ',';
    if (ranged)
      out << e.tick_lower << ',' << e.tick_upper;
    else
      out << ',';
    out << ',';
    if (e.kind == PoolEventKind::kMint || e.kind == PoolEventKind::kBurn) {
      out << Dec(U256::FromU128(e.amount));
    }
    out << ',';
    if (swap) out << PriceOf(e.sqrt_price_x96, decimals0, decimals1);
    out << '\n';
  }
  return out.str();
}

std::string PriceCsv(
    const PoolHistory& history,
    const std::vector<std::pair<uint64_t, int64_t>>& timestamps, int decimals0,
    int decimals1) {
  std::map<uint64_t, int64_t> time_of(timestamps.begin(), timestamps.end());
  std::ostringstream out;
  out.precision(17);
  out << "timestamp,price,volume\n";
  int64_t last_time = INT64_MIN;
  for (size_t i = 0; i < history.events.size();) {
    const uint64_t block = history.events[i].block_number;
    double volume = 0;
    const PoolEvent* last_swap = nullptr;
    for (; i < history.events.size() && history.events[i].block_number == block;
         ++i) {
      const PoolEvent& e = history.events[i];
      if (e.kind != PoolEventKind::kSwap) continue;
      volume += WholeTokens(univ3::Abs(e.amount0), decimals0);
      last_swap = &e;
    }
    auto t = time_of.find(block);
    if (last_swap == nullptr || t == time_of.end()) continue;
    // The market's replay needs strictly increasing timestamps; blocks that
    // share a second (local chains) are folded into the later row.
    const int64_t ts = std::max(t->second, last_time + 1);
    last_time = ts;
    out << ts << ',' << PriceOf(last_swap->sqrt_price_x96, decimals0, decimals1)
        << ',' << volume << '\n';
  }
  return out.str();
}

Result<std::vector<std::pair<uint64_t, int64_t>>> ReadBlockTimestamps(
    EthClient& eth, const std::vector<uint64_t>& blocks) {
  std::vector<RpcRequest> requests;
  for (uint64_t b : blocks) {
    requests.push_back(
        {"eth_getBlockByNumber", nlohmann::json::array({Quantity(b), false})});
  }
  TY_ASSIGN_OR_RETURN(std::vector<nlohmann::json> replies,
                      eth.rpc().Batch(requests));
  std::vector<std::pair<uint64_t, int64_t>> out;
  for (size_t i = 0; i < replies.size(); ++i) {
    const nlohmann::json& r = replies[i];
    if (!r.is_object() || !r.contains("timestamp") ||
        !r["timestamp"].is_string()) {
      return Status(
          ErrorCode::kUnavailable,
          "malformed block " + std::to_string(blocks[i]) + " (no timestamp)");
    }
    TY_ASSIGN_OR_RETURN(uint64_t ts,
                        ParseQuantity64(r["timestamp"].get<std::string>()));
    out.emplace_back(blocks[i], static_cast<int64_t>(ts));
  }
  return out;
}

std::vector<ChainPositionKey> PositionsTouched(
    const std::vector<PoolEvent>& events) {
  std::vector<ChainPositionKey> out;
  for (const PoolEvent& e : events) {
    if (e.kind != PoolEventKind::kMint && e.kind != PoolEventKind::kBurn &&
        e.kind != PoolEventKind::kCollect)
      continue;
    const ChainPositionKey k{e.owner, e.tick_lower, e.tick_upper};
    if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  return out;
}

Result<PoolMarket> ReadPoolMarket(EthClient& eth, const Address& pool,
                                  uint64_t from_block, uint64_t to_block,
                                  const LogPaging& paging) {
  PoolMarket m;
  TY_ASSIGN_OR_RETURN(m.history,
                      ReadPoolHistory(eth, pool, from_block, to_block, paging));
  TY_ASSIGN_OR_RETURN(m.key, ReadPoolKey(eth, pool, to_block));
  TY_ASSIGN_OR_RETURN(m.token0, ReadTokenInfo(eth, m.key.token0, to_block));
  TY_ASSIGN_OR_RETURN(m.token1, ReadTokenInfo(eth, m.key.token1, to_block));
  m.decimals0 = m.token0.decimals >= 0 ? m.token0.decimals : 18;
  m.decimals1 = m.token1.decimals >= 0 ? m.token1.decimals : 18;
  std::vector<uint64_t> blocks;
  for (const PoolEvent& e : m.history.events) {
    if (e.kind != PoolEventKind::kSwap) continue;
    ++m.swaps;
    if (blocks.empty() || blocks.back() != e.block_number)
      blocks.push_back(e.block_number);
  }
  TY_ASSIGN_OR_RETURN(auto times, ReadBlockTimestamps(eth, blocks));
  m.price_rows = static_cast<int64_t>(blocks.size());
  m.events_csv = HistoryCsv(m.history, m.decimals0, m.decimals1);
  m.prices_csv = PriceCsv(m.history, times, m.decimals0, m.decimals1);
  return m;
}

Result<ReplayReport> ReplayHistory(const std::vector<PoolEvent>& events,
                                   univ3::Pool* pool) {
  ReplayReport report;
  for (const PoolEvent& e : events) {
    switch (e.kind) {
      case PoolEventKind::kMint: {
        Result<univ3::ModifyResult> r = pool->Mint(
            EngineOwner(e.owner), e.tick_lower, e.tick_upper, e.amount);
        if (!r.ok())
          return ValidationError(EventName(e) +
                                 ": engine refused: " + r.status().message());
        if (!(r->amount0 == e.amount0 && r->amount1 == e.amount1)) {
          return ValidationError(EventName(e) +
                                 ": engine amounts differ from the chain's");
        }
        ++report.mints;
        break;
      }
      case PoolEventKind::kBurn: {
        Result<univ3::ModifyResult> r = pool->Burn(
            EngineOwner(e.owner), e.tick_lower, e.tick_upper, e.amount);
        if (!r.ok())
          return ValidationError(EventName(e) +
                                 ": engine refused: " + r.status().message());
        ++report.burns;
        break;
      }
      case PoolEventKind::kCollect: {
        Result<univ3::CollectResult> r =
            pool->Collect(EngineOwner(e.owner), e.tick_lower, e.tick_upper,
                          e.amount0.Low128(), e.amount1.Low128());
        if (!r.ok())
          return ValidationError(EventName(e) +
                                 ": engine refused: " + r.status().message());
        ++report.collects;
        break;
      }
      case PoolEventKind::kFlash: {
        // Fees paid beyond the loan go to in-range liquidity.
        Result<univ3::ModifyResult> r =
            pool->Flash(e.amount0, e.amount1, e.paid0, e.paid1);
        if (!r.ok())
          return ValidationError(EventName(e) +
                                 ": engine refused: " + r.status().message());
        break;
      }
      case PoolEventKind::kSwap: {
        ++report.swaps;
        if (e.amount0.IsZero() && e.amount1.IsZero()) break;
        const bool zero_for_one = univ3::SignedLess(U256(0), e.amount0);
        const I256 paid = zero_for_one ? e.amount0 : e.amount1;
        const I256 received = zero_for_one ? e.amount1 : e.amount0;  // negative
        const U256 no_limit = zero_for_one ? univ3::kMinSqrtRatio + U256(1)
                                           : univ3::kMaxSqrtRatio - U256(1);
        bool done = false;
        for (const I256& specified : {paid, received}) {
          if (specified.IsZero()) continue;
          univ3::Pool trial = *pool;
          Result<univ3::SwapResult> r =
              trial.Swap(zero_for_one, specified, no_limit);
          if (r.ok() && SwapMatches(trial, *r, e)) {
            *pool = std::move(trial);
            done = true;
            ++report.exact_swaps;
            break;
          }
        }
        if (!done) {
          Result<univ3::SwapResult> r =
              pool->Swap(zero_for_one, paid, e.sqrt_price_x96);
          if (!r.ok())
            return ValidationError(EventName(e) +
                                   ": engine refused: " + r.status().message());
        }
        if (!(pool->slot0().sqrt_price_x96 == e.sqrt_price_x96) ||
            pool->slot0().tick != e.tick || pool->liquidity() != e.liquidity) {
          return ValidationError(EventName(e) + ": engine ends at tick " +
                                 std::to_string(pool->slot0().tick) +
                                 ", chain at " + std::to_string(e.tick));
        }
        break;
      }
    }
  }
  return report;
}

}  // namespace trainyard::chain
