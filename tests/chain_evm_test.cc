// chain/ against a real EVM: ganache from npm on loopback (a random port),
// with Uniswap V3's own compiled contracts deployed by tests/chain/testnet.js
// and random positions and swaps. Started once for the whole suite and
// stopped by PID. Run as one ctest test (one chain for every case; the cases
// run in order and the last one reorganises the chain).
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "chain/eth.h"
#include "chain/history.h"
#include "chain/periphery.h"
#include "chain/position_manager.h"
#include "chain/quote.h"
#include "chain/signer.h"
#include "chain/snapshot.h"
#include "chain_testnet.h"
#include "child_process.h"
#include "core/test_support.h"
#include "market/price_csv.h"
#include "univ3/tick_math.h"

namespace trainyard::chain {
namespace {

using nlohmann::json;
using univ3::I256;
using univ3::u128;

struct Testnet {
  testing::LocalTestnet node;
  json info;
  std::string rpc;
  Address pool0, pool1, manager, router, token0, token1;
  std::vector<Address> accounts;
};
Testnet* net = nullptr;

class ChainEvmTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    net = new Testnet;
    ASSERT_TRUE(net->node.Start(TRAINYARD_CHAIN_TESTNET_DIR, {"--seed", "7"}))
        << net->node.error;
    net->info = net->node.info;
    net->rpc = net->info["rpc"];
    net->pool0 =
        *Address::Parse(net->info["pools"][0]["address"].get<std::string>());
    net->pool1 =
        *Address::Parse(net->info["pools"][1]["address"].get<std::string>());
    net->manager =
        *Address::Parse(net->info["position_manager"].get<std::string>());
    net->router = *Address::Parse(net->info["router"].get<std::string>());
    net->token0 = *Address::Parse(net->info["token0"].get<std::string>());
    net->token1 = *Address::Parse(net->info["token1"].get<std::string>());
    for (const json& a : net->info["accounts"]) {
      net->accounts.push_back(*Address::Parse(a.get<std::string>()));
    }
  }
  static void TearDownTestSuite() {
    if (net != nullptr) {
      net->node.Stop();
      delete net;
      net = nullptr;
    }
  }
  void SetUp() override {
    ASSERT_NE(net, nullptr);
    auto eth = EthClient::Connect(net->rpc, 30000);
    ASSERT_TRUE(eth.ok());
    eth_ = std::move(*eth);
  }

  // Sends a router swap from accounts[1] and returns the pool's Swap event.
  Result<PoolEvent> RouterSwap(const Address& pool, uint32_t fee,
                               bool zero_for_one, bool exact_in,
                               const U256& amount) {
    const Address in = zero_for_one ? net->token0 : net->token1;
    const Address out = zero_for_one ? net->token1 : net->token0;
    Bytes data =
        AbiEncoder(
            exact_in
                ? "exactInputSingle((address,address,uint24,address,uint256,"
                  "uint256,"
                  "uint256,uint160))"
                : "exactOutputSingle((address,address,uint24,address,uint256,"
                  "uint256,uint256,uint160))")
            .Addr(in)
            .Addr(out)
            .Uint(fee)
            .Addr(net->accounts[1])
            .Uint(U256(1) << 40)
            .Uint(amount)
            .Uint(exact_in ? U256(0) : U256::Max())
            .Uint(0)
            .Finish();
    TY_ASSIGN_OR_RETURN(
        Hash32 tx, eth_->SendTransaction(
                       {net->accounts[1], net->router, data, U256(), 3000000}));
    TY_ASSIGN_OR_RETURN(Receipt r, eth_->WaitForReceipt(tx));
    if (!r.success) return Status(ErrorCode::kConflict, "swap reverted");
    for (const Log& log : r.logs) {
      if (log.address == pool && !log.topics.empty() &&
          log.topics[0] == SwapTopic()) {
        return DecodePoolEvent(log);
      }
    }
    return NotFoundError("no Swap event");
  }

  // The pool's events in a receipt, in log order.
  static std::vector<PoolEvent> PoolEvents(const Receipt& r,
                                           const Address& pool) {
    std::vector<PoolEvent> out;
    for (const Log& log : r.logs) {
      if (log.address == pool && IsPoolEvent(log))
        out.push_back(*DecodePoolEvent(log));
    }
    return out;
  }

  std::unique_ptr<EthClient> eth_;
};

// Every field of the chain's state equals the engine's.
void ExpectSameState(const PoolSnapshot& snap, const univ3::Pool& engine,
                     const std::string& when) {
  SCOPED_TRACE(when);
  const univ3::PoolState& s = snap.state;
  EXPECT_EQ(s.slot0.sqrt_price_x96, engine.slot0().sqrt_price_x96);
  EXPECT_EQ(s.slot0.tick, engine.slot0().tick);
  EXPECT_EQ(s.slot0.fee_protocol, engine.slot0().fee_protocol);
  EXPECT_TRUE(s.liquidity == engine.liquidity());
  EXPECT_EQ(s.fee_growth_global0_x128, engine.fee_growth_global0_x128());
  EXPECT_EQ(s.fee_growth_global1_x128, engine.fee_growth_global1_x128());
  EXPECT_TRUE(s.protocol_fees0 == engine.protocol_fees0());
  EXPECT_TRUE(s.protocol_fees1 == engine.protocol_fees1());
  std::vector<int32_t> engine_ticks = engine.InitializedTicks();
  ASSERT_EQ(s.ticks.size(), engine_ticks.size());
  for (size_t i = 0; i < s.ticks.size(); ++i) {
    const auto& [tick, info] = s.ticks[i];
    ASSERT_EQ(tick, engine_ticks[i]);
    const univ3::TickInfo* e = engine.GetTick(tick);
    EXPECT_TRUE(info.liquidity_gross == e->liquidity_gross) << "tick " << tick;
    EXPECT_TRUE(info.liquidity_net == e->liquidity_net) << "tick " << tick;
    EXPECT_EQ(info.fee_growth_outside0_x128, e->fee_growth_outside0_x128)
        << "tick " << tick;
    EXPECT_EQ(info.fee_growth_outside1_x128, e->fee_growth_outside1_x128)
        << "tick " << tick;
  }
}

TEST_F(ChainEvmTest, ChainIdBlockNumberAndCode) {
  EXPECT_EQ(*eth_->ChainId(), 1337u);
  EXPECT_GE(*eth_->BlockNumber(), net->info["block"].get<uint64_t>());
  EXPECT_GT(eth_->GetCode(net->pool0, std::nullopt)->size(), 1000u);
  EXPECT_TRUE(eth_->GetCode(*Address::Parse(
                                "0x00000000000000000000000000000000000000aa"),
                            std::nullopt)
                  ->empty());
}

// The ticks and liquidity the snapshot reads agree with what the pool's own
// Mint/Burn events say every tick must hold.
TEST_F(ChainEvmTest, SnapshotTicksAgreeWithTheMintAndBurnEvents) {
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool0, std::nullopt);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ(snap->state.fee, 3000u);
  EXPECT_EQ(snap->state.tick_spacing, 60);
  EXPECT_EQ(snap->token0.address, net->token0);
  EXPECT_EQ(snap->token0.decimals, 18);
  EXPECT_FALSE(snap->token0.symbol.empty());
  EXPECT_EQ(snap->state.slot0.fee_protocol, 4 + (5 << 4));

  Result<PoolHistory> h = ReadPoolHistory(*eth_, net->pool0, 0, snap->block);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  std::map<int32_t, std::pair<u128, univ3::i128>> expected;  // gross, net
  for (const PoolEvent& e : h->events) {
    const univ3::i128 sign = e.kind == PoolEventKind::kMint   ? 1
                             : e.kind == PoolEventKind::kBurn ? -1
                                                              : 0;
    if (sign == 0) continue;
    const univ3::i128 d = sign * static_cast<univ3::i128>(e.amount);
    expected[e.tick_lower].first += d;
    expected[e.tick_lower].second += d;
    expected[e.tick_upper].first += d;
    expected[e.tick_upper].second -= d;
  }
  std::erase_if(expected, [](const auto& kv) { return kv.second.first == 0; });
  ASSERT_EQ(snap->state.ticks.size(), expected.size());
  ASSERT_GE(snap->state.ticks.size(), 20u);
  univ3::i128 in_range = 0;
  for (const auto& [tick, info] : snap->state.ticks) {
    ASSERT_TRUE(expected.count(tick)) << tick;
    EXPECT_TRUE(info.liquidity_gross == expected[tick].first) << tick;
    EXPECT_TRUE(info.liquidity_net == expected[tick].second) << tick;
    if (tick <= snap->state.slot0.tick) in_range += info.liquidity_net;
  }
  EXPECT_TRUE(static_cast<u128>(in_range) == snap->state.liquidity);
  // Batching: a few round trips, not one per tick or bitmap word.
  EXPECT_LT(snap->round_trips, 20u);
  EXPECT_TRUE(ToPool(*snap).ok());
}

TEST_F(ChainEvmTest, SnapshotJsonRoundTrips) {
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool1, std::nullopt);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  json j = ToJson(*snap);
  Result<PoolSnapshot> back = SnapshotFromJson(json::parse(j.dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToJson(*back), j);
  j["ticks"][0]["tick"] =
      j["ticks"][0]["tick"].get<int>() + 1;  // off the spacing
  EXPECT_EQ(SnapshotFromJson(j).status().code(), ErrorCode::kValidation);
}

// The engine loaded from a snapshot predicts what the chain then executes:
// >= 100 random swaps (exact in and out, both directions, crossing ticks),
// with positions minted and burned in between through the position manager.
// The chain's state at the end and at a block in the middle equals the
// engine's, every tick included.
TEST_F(ChainEvmTest, EnginePredictsRandomSwapsExactly) {
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool0, std::nullopt);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  Result<univ3::Pool> engine = ToPool(*snap);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  std::mt19937_64 rng(20261206);
  std::vector<uint64_t> my_tokens;
  int predicted = 0, ticks_crossed = 0;
  uint64_t middle_block = 0;
  std::optional<univ3::Pool> middle_engine;
  ExecuteOptions send;
  send.send = true;
  for (int i = 0; i < 150; ++i) {
    // Mints only while the price is not drained to an end of the range
    // (there a mint's liquidity can overflow and the dry run reverts).
    if (i % 15 == 7 && std::abs(engine->slot0().tick) < 300000) {
      // Another LP mints through the position manager.
      const int32_t center =
          std::clamp(engine->slot0().tick / 60 * 60, -880000, 880000);
      MintAction mint{net->token0,
                      net->token1,
                      3000,
                      center - 60 * static_cast<int32_t>(1 + rng() % 20),
                      center + 60 * static_cast<int32_t>(1 + rng() % 20),
                      U256(1 + rng() % 1000) * U256(1000000000000000000ULL),
                      U256(1 + rng() % 1000) * U256(1000000000000000000ULL),
                      U256(0),
                      U256(0)};
      Result<StepResult> r =
          ExecuteMint(*eth_, net->manager, net->accounts[2], mint, send);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      my_tokens.push_back(r->token_id);
      Result<std::optional<Receipt>> rc =
          eth_->GetTransactionReceipt(r->tx_hash);
      ASSERT_TRUE(rc.ok() && rc->has_value());
      Result<ReplayReport> applied =
          ReplayHistory(PoolEvents(**rc, net->pool0), &*engine);
      ASSERT_TRUE(applied.ok()) << applied.status().ToString();
      EXPECT_EQ(applied->mints, 1);
    }
    if (i % 15 == 12 && !my_tokens.empty()) {
      const uint64_t id = my_tokens[rng() % my_tokens.size()];
      Result<NpmPosition> p =
          ReadNpmPosition(*eth_, net->manager, id, std::nullopt);
      ASSERT_TRUE(p.ok());
      Result<StepResult> r = ExecuteRemoveAndCollect(
          *eth_, net->manager, net->accounts[2], id, p->liquidity / 2, send);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      Result<std::optional<Receipt>> rc =
          eth_->GetTransactionReceipt(r->tx_hash);
      ASSERT_TRUE(rc.ok() && rc->has_value());
      Result<ReplayReport> applied =
          ReplayHistory(PoolEvents(**rc, net->pool0), &*engine);
      ASSERT_TRUE(applied.ok()) << applied.status().ToString();
      EXPECT_GE(applied->burns, 1);  // collect pokes with a burn of 0
      EXPECT_EQ(applied->collects, 1);
    }
    const bool zero_for_one = rng() % 2 == 0;
    const bool exact_in = rng() % 3 != 0;
    // 1e14 .. 1e24 wei: from small swaps to ones that cross many ranges or
    // drain the pool to a price limit (and come back).
    U256 amount = U256(1 + rng() % 999);
    for (int k = 0, e = 14 + static_cast<int>(rng() % 8); k < e; ++k)
      amount = amount * U256(10);
    const U256 limit = zero_for_one ? univ3::kMinSqrtRatio + U256(1)
                                    : univ3::kMaxSqrtRatio - U256(1);
    univ3::Pool before = *engine;
    Result<univ3::SwapResult> want = engine->Swap(
        zero_for_one, exact_in ? amount : univ3::Negate(amount), limit);
    const I256& out = zero_for_one ? want->amount1 : want->amount0;
    if (!want.ok() || (!exact_in && !(univ3::Abs(out) == amount))) {
      *engine = before;  // the router would revert: not sent
      continue;
    }
    Result<PoolEvent> got =
        RouterSwap(net->pool0, 3000, zero_for_one, exact_in, amount);
    ASSERT_TRUE(got.ok()) << "swap " << i << ": " << got.status().ToString();
    SCOPED_TRACE("swap " + std::to_string(i));
    ASSERT_EQ(got->amount0, want->amount0)
        << univ3::ToSignedDecimal(got->amount0) << " vs "
        << univ3::ToSignedDecimal(want->amount0);
    ASSERT_EQ(got->amount1, want->amount1);
    ASSERT_EQ(got->sqrt_price_x96, engine->slot0().sqrt_price_x96);
    ASSERT_EQ(got->tick, engine->slot0().tick);
    ASSERT_TRUE(got->liquidity == engine->liquidity());
    ++predicted;
    ticks_crossed += want->ticks_crossed;
    if (predicted == 50) {
      middle_block = got->block_number;
      middle_engine = *engine;
    }
  }
  EXPECT_GE(predicted, 100);
  EXPECT_GT(ticks_crossed, 10);
  std::printf("predicted %d swaps exactly, %d ticks crossed\n", predicted,
              ticks_crossed);

  Result<PoolSnapshot> latest =
      ReadPoolSnapshot(*eth_, net->pool0, std::nullopt);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  ExpectSameState(*latest, *engine, "latest block");
  EXPECT_TRUE(latest->state.protocol_fees0 > 0 ||
              latest->state.protocol_fees1 > 0);
  ASSERT_TRUE(middle_engine.has_value());
  Result<PoolSnapshot> earlier =
      ReadPoolSnapshot(*eth_, net->pool0, middle_block);
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  ExpectSameState(*earlier, *middle_engine,
                  "block " + std::to_string(middle_block));
}

// The history of a pool, replayed from its state before its first event,
// walks the chain's price path tick by tick and ends in the chain's state.
TEST_F(ChainEvmTest, HistoryReplaysThePricePathTickByTick) {
  const uint64_t head = *eth_->BlockNumber();
  LogPaging paging;
  paging.initial_range = 7;  // many pages on purpose
  Result<PoolHistory> h = ReadPoolHistory(*eth_, net->pool1, 0, head, paging);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_FALSE(h->events.empty());
  const uint64_t first = h->events.front().block_number;
  Result<PoolSnapshot> start = ReadPoolSnapshot(*eth_, net->pool1, first - 1);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_TRUE(start->state.ticks.empty());
  Result<univ3::Pool> engine = ToPool(*start);
  ASSERT_TRUE(engine.ok());
  Result<ReplayReport> report = ReplayHistory(h->events, &*engine);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(report->swaps, 10);
  EXPECT_EQ(report->exact_swaps, report->swaps);
  EXPECT_GE(report->mints, 10);
  Result<PoolSnapshot> end = ReadPoolSnapshot(*eth_, net->pool1, head);
  ASSERT_TRUE(end.ok());
  ExpectSameState(*end, *engine, "after replay");

  // The CSVs: one row per event; the price file is what market/ replays.
  const std::string csv = HistoryCsv(*h);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'),
            static_cast<long>(h->events.size()) + 1);
  std::vector<uint64_t> blocks;
  for (const PoolEvent& e : h->events) {
    if (e.kind == PoolEventKind::kSwap) blocks.push_back(e.block_number);
  }
  Result<std::vector<std::pair<uint64_t, int64_t>>> times =
      ReadBlockTimestamps(*eth_, blocks);
  ASSERT_TRUE(times.ok()) << times.status().ToString();
  Result<std::vector<market::PriceRow>> rows =
      market::ParsePriceCsv(PriceCsv(*h, *times));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->size(), blocks.size());
}

// Act: mint a range, read the position back, collect, re-range.
TEST_F(ChainEvmTest, ExecuteMintRerangeAndCollectLandAndReadBack) {
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool1, std::nullopt);
  ASSERT_TRUE(snap.ok());
  const int32_t center = snap->state.slot0.tick / 10 * 10;
  MintAction mint{net->token0,
                  net->token1,
                  500,
                  center - 200,
                  center + 300,
                  U256(5) * U256(1000000000000000000ULL),
                  U256(5) * U256(1000000000000000000ULL),
                  U256(0),
                  U256(0)};
  const Address me = net->accounts[0];
  const uint64_t head = *eth_->BlockNumber();

  ExecuteOptions dry;
  Result<StepResult> planned = ExecuteMint(*eth_, net->manager, me, mint, dry);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_FALSE(planned->sent);
  EXPECT_GT(planned->gas, 100000u);
  EXPECT_FALSE(planned->cost_wei.IsZero());
  EXPECT_EQ(*eth_->BlockNumber(), head);  // a dry run changes nothing

  ExecuteOptions send;
  send.send = true;
  Result<StepResult> minted = ExecuteMint(*eth_, net->manager, me, mint, send);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_TRUE(minted->sent);
  EXPECT_TRUE(minted->liquidity == planned->liquidity);
  EXPECT_EQ(minted->token_id, planned->token_id);
  Result<NpmPosition> p =
      ReadNpmPosition(*eth_, net->manager, minted->token_id, std::nullopt);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->tick_lower, center - 200);
  EXPECT_EQ(p->tick_upper, center + 300);
  EXPECT_TRUE(p->liquidity == minted->liquidity);
  EXPECT_EQ(p->fee, 500u);

  // Earn some fees, then collect them without removing liquidity.
  ASSERT_TRUE(
      RouterSwap(net->pool1, 500, true, true, U256(1000000000000000000ULL))
          .ok());
  ASSERT_TRUE(
      RouterSwap(net->pool1, 500, false, true, U256(1000000000000000000ULL))
          .ok());
  Result<StepResult> collected =
      ExecuteCollect(*eth_, net->manager, me, minted->token_id, send);
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  EXPECT_FALSE(collected->amount0.IsZero());
  EXPECT_FALSE(collected->amount1.IsZero());
  EXPECT_TRUE(
      ReadNpmPosition(*eth_, net->manager, minted->token_id, std::nullopt)
          ->liquidity == minted->liquidity);

  Result<std::vector<StepResult>> moved =
      ExecuteRerange(*eth_, net->manager, me, minted->token_id, center - 100,
                     center + 100, send);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  ASSERT_EQ(moved->size(), 2u);
  EXPECT_TRUE(
      ReadNpmPosition(*eth_, net->manager, minted->token_id, std::nullopt)
          ->liquidity == 0);
  Result<NpmPosition> fresh =
      ReadNpmPosition(*eth_, net->manager, (*moved)[1].token_id, std::nullopt);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->tick_lower, center - 100);
  EXPECT_EQ(fresh->tick_upper, center + 100);
  EXPECT_TRUE(fresh->liquidity == (*moved)[1].liquidity);
  EXPECT_GT(fresh->liquidity, 0u);
}

// Acting on the chain does to the pool what the engine says it does: the
// engine loaded from a snapshot charges a mint of the liquidity the manager
// computed exactly what the chain took, pays a collect and a removal exactly
// what the chain paid, and ends in the chain's state, tick for tick.
TEST_F(ChainEvmTest, ExecutedActionsChangeThePoolAsTheEnginePredicts) {
  const uint64_t head = *eth_->BlockNumber();
  Result<PoolSnapshot> probe = ReadPoolSnapshot(*eth_, net->pool1, head);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  // An asymmetric range: testnet.js's ranges are symmetric around a centre.
  const int32_t center = probe->state.slot0.tick / 10 * 10;
  const ChainPositionKey key{net->manager, center - 370, center + 430};
  SnapshotOptions with_position;
  with_position.positions = {key};
  Result<PoolSnapshot> before =
      ReadPoolSnapshot(*eth_, net->pool1, head, with_position);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  Result<univ3::Pool> engine = ToPool(*before);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const univ3::OwnerId owner = EngineOwner(net->manager);
  const Address me = net->accounts[0];
  ExecuteOptions send;
  send.send = true;

  const U256 three = U256(3) * U256(1000000000000000000ULL);
  MintAction mint{net->token0,    net->token1,    500,
                  key.tick_lower, key.tick_upper, three,
                  three,          U256(0),        U256(0)};
  Result<StepResult> minted = ExecuteMint(*eth_, net->manager, me, mint, send);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  Result<univ3::ModifyResult> paid =
      engine->Mint(owner, key.tick_lower, key.tick_upper, minted->liquidity);
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_EQ(paid->amount0, minted->amount0);
  EXPECT_EQ(paid->amount1, minted->amount1);

  // Fees for the range: one swap each way, each predicted by the engine.
  for (const bool zero_for_one : {true, false}) {
    const U256 amount = U256(2) * U256(1000000000000000000ULL);
    Result<PoolEvent> swap =
        RouterSwap(net->pool1, 500, zero_for_one, true, amount);
    ASSERT_TRUE(swap.ok()) << swap.status().ToString();
    Result<univ3::SwapResult> want =
        engine->Swap(zero_for_one, amount,
                     zero_for_one ? univ3::kMinSqrtRatio + U256(1)
                                  : univ3::kMaxSqrtRatio - U256(1));
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(want->amount0, swap->amount0);
    EXPECT_EQ(want->amount1, swap->amount1);
  }

  // collect: the manager pokes the position (burn 0) and collects it all.
  Result<StepResult> collected =
      ExecuteCollect(*eth_, net->manager, me, minted->token_id, send);
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  ASSERT_TRUE(engine->Burn(owner, key.tick_lower, key.tick_upper, 0).ok());
  Result<univ3::CollectResult> fees = engine->Collect(
      owner, key.tick_lower, key.tick_upper, ~univ3::u128{0}, ~univ3::u128{0});
  ASSERT_TRUE(fees.ok());
  EXPECT_FALSE(collected->amount0.IsZero() && collected->amount1.IsZero());
  EXPECT_EQ(U256::FromU128(fees->amount0), collected->amount0);
  EXPECT_EQ(U256::FromU128(fees->amount1), collected->amount1);

  // remove: half the liquidity, and everything owed collected.
  const univ3::u128 half = minted->liquidity / 2;
  Result<StepResult> removed = ExecuteRemoveAndCollect(
      *eth_, net->manager, me, minted->token_id, half, send);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  ASSERT_TRUE(engine->Burn(owner, key.tick_lower, key.tick_upper, half).ok());
  Result<univ3::CollectResult> out = engine->Collect(
      owner, key.tick_lower, key.tick_upper, ~univ3::u128{0}, ~univ3::u128{0});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(U256::FromU128(out->amount0), removed->amount0);
  EXPECT_EQ(U256::FromU128(out->amount1), removed->amount1);

  Result<PoolSnapshot> after =
      ReadPoolSnapshot(*eth_, net->pool1, removed->block, with_position);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  ExpectSameState(*after, *engine, "after mint, swaps, collect and remove");
  const univ3::PositionInfo* mine =
      engine->GetPosition(owner, key.tick_lower, key.tick_upper);
  ASSERT_NE(mine, nullptr);
  ASSERT_EQ(after->positions.size(), 1u);
  EXPECT_TRUE(after->positions[0].info.liquidity == mine->liquidity);
  EXPECT_EQ(after->positions[0].info.fee_growth_inside0_last_x128,
            mine->fee_growth_inside0_last_x128);
  EXPECT_TRUE(after->positions[0].info.tokens_owed0 == mine->tokens_owed0);
}

// ganache's deterministic account 2 (tokens and approvals from testnet.js),
// whose key is public: the node signs nothing, Trainyard does.
constexpr const char* kAccount2Key =
    "0x6370fd033278c143179d81c5526140625662b8daa446c22ee2d73db3707e620c";

TEST_F(ChainEvmTest, ALocalKeyMintsCollectsAndBurnsWithRawTransactions) {
  Result<LocalKey> key = LocalKey::FromHex(kAccount2Key);
  ASSERT_TRUE(key.ok());
  const Address me = key->address();
  ASSERT_EQ(me, net->accounts[2]);
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool1, std::nullopt);
  ASSERT_TRUE(snap.ok());
  const int32_t center = snap->state.slot0.tick / 10 * 10;
  MintAction mint{net->token0,
                  net->token1,
                  500,
                  center - 300,
                  center + 200,
                  U256(3) * U256(1000000000000000000ULL),
                  U256(3) * U256(1000000000000000000ULL),
                  U256(0),
                  U256(0)};
  ExecuteOptions signed_send;
  signed_send.send = true;
  signed_send.signer = &*key;
  const uint64_t nonce_before = *eth_->PendingNonce(me);

  // Dry run first: nothing sent, the gas cost reported.
  ExecuteOptions dry;
  dry.signer = &*key;
  Result<StepResult> planned = ExecuteMint(*eth_, net->manager, me, mint, dry);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_FALSE(planned->sent);
  EXPECT_FALSE(planned->cost_wei.IsZero());
  EXPECT_EQ(*eth_->PendingNonce(me), nonce_before);

  Result<StepResult> minted =
      ExecuteMint(*eth_, net->manager, me, mint, signed_send);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  EXPECT_TRUE(minted->sent);
  EXPECT_TRUE(minted->liquidity == planned->liquidity);
  // The chain saw a transaction from the key's address, signed by us.
  EXPECT_EQ(*eth_->PendingNonce(me), nonce_before + 1);
  Result<nlohmann::json> tx = eth_->rpc().Call(
      "eth_getTransactionByHash", json::array({HexEncode(minted->tx_hash)}));
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)["from"].get<std::string>(), me.Hex());
  Result<NpmPosition> p =
      ReadNpmPosition(*eth_, net->manager, minted->token_id, std::nullopt);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->tick_lower, center - 300);
  EXPECT_TRUE(p->liquidity == minted->liquidity);

  ASSERT_TRUE(
      RouterSwap(net->pool1, 500, true, true, U256(1000000000000000000ULL))
          .ok());
  Result<StepResult> collected =
      ExecuteCollect(*eth_, net->manager, me, minted->token_id, signed_send);
  ASSERT_TRUE(collected.ok()) << collected.status().ToString();
  EXPECT_FALSE(collected->amount0.IsZero());

  // Burn everything (remove + collect in one multicall).
  Result<StepResult> burned = ExecuteRemoveAndCollect(
      *eth_, net->manager, me, minted->token_id, std::nullopt, signed_send);
  ASSERT_TRUE(burned.ok()) << burned.status().ToString();
  EXPECT_TRUE(
      ReadNpmPosition(*eth_, net->manager, minted->token_id, std::nullopt)
          ->liquidity == 0);
  EXPECT_EQ(*eth_->PendingNonce(me), nonce_before + 3);

  // A key that is not `from` is refused before anything is sent.
  Result<StepResult> wrong =
      ExecuteMint(*eth_, net->manager, net->accounts[0], mint, signed_send);
  EXPECT_EQ(wrong.status().code(), ErrorCode::kValidation);
}

TEST_F(ChainEvmTest, NotAPoolAndRevertsAreClearErrors) {
  Result<PoolSnapshot> s = ReadPoolSnapshot(*eth_, net->token0, std::nullopt);
  EXPECT_EQ(s.status().code(), ErrorCode::kValidation);
  EXPECT_NE(s.status().message().find("does not answer as a Uniswap V3 pool"),
            std::string::npos)
      << s.status().message();
  Result<PoolSnapshot> none = ReadPoolSnapshot(
      *eth_, *Address::Parse("0x00000000000000000000000000000000000000aa"),
      std::nullopt);
  EXPECT_NE(none.status().message().find("no contract"), std::string::npos);
  // A mint the pool refuses (ticks off the spacing) fails in the dry run.
  MintAction bad{net->token0, net->token1, 500,     1,      7,
                 U256(1000),  U256(1000),  U256(0), U256(0)};
  Result<StepResult> r =
      ExecuteMint(*eth_, net->manager, net->accounts[0], bad, ExecuteOptions{});
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
  EXPECT_NE(r.status().message().find("dry run failed"), std::string::npos);
}

// A transport over the real node that reorganises the chain after its
// first request: back to a saved state, a different transaction, and as
// many blocks as before, so the same heights get different hashes.
class ReorgingTransport : public RpcTransport {
 public:
  ReorgingTransport(std::unique_ptr<RpcTransport> inner,
                    std::string snapshot_id, Address from)
      : inner_(std::move(inner)),
        snapshot_id_(std::move(snapshot_id)),
        from_(from) {}
  Result<HttpReply> Post(const std::string& body) override {
    Result<HttpReply> r = inner_->Post(body);
    if (++posts_ == 1) {
      Send("evm_revert", json::array({snapshot_id_}));
      Send("eth_sendTransaction", json::array({{{"from", from_.Hex()},
                                                {"to", from_.Hex()},
                                                {"value", "0x1"}}}));
      Send("evm_mine", json::array());
      Send("evm_mine", json::array());
    }
    return r;
  }

 private:
  void Send(const std::string& method, const json& params) {
    json req = {
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    ASSERT_TRUE(inner_->Post(req.dump()).ok());
  }
  std::unique_ptr<RpcTransport> inner_;
  std::string snapshot_id_;
  Address from_;
  int posts_ = 0;
};

// Last: it rewrites the chain's newest blocks.
// Mid-life replay: a history that starts after positions were minted (and
// earned fees) replays correctly when the snapshot before it reads the
// positions the history touches; the engine's positions then equal the
// pool's own positions(bytes32) records.
TEST_F(ChainEvmTest, AReplayStartingMidHistoryCarriesExistingPositions) {
  // A position that earns fees, then is partly burned and collected.
  Result<PoolSnapshot> now = ReadPoolSnapshot(*eth_, net->pool1, std::nullopt);
  ASSERT_TRUE(now.ok());
  const int32_t center = now->state.slot0.tick / 10 * 10;
  ExecuteOptions send;
  send.send = true;
  Result<StepResult> minted =
      ExecuteMint(*eth_, net->manager, net->accounts[0],
                  {net->token0, net->token1, 500, center - 400, center + 400,
                   U256(2) * U256(1000000000000000000ULL),
                   U256(2) * U256(1000000000000000000ULL), U256(0), U256(0)},
                  send);
  ASSERT_TRUE(minted.ok()) << minted.status().ToString();
  for (bool zero_for_one : {true, false}) {
    ASSERT_TRUE(RouterSwap(net->pool1, 500, zero_for_one, true,
                           U256(1000000000000000000ULL))
                    .ok());
  }
  ASSERT_TRUE(ExecuteRemoveAndCollect(*eth_, net->manager, net->accounts[0],
                                      minted->token_id, minted->liquidity / 2,
                                      send)
                  .ok());
  const uint64_t head = *eth_->BlockNumber();
  Result<PoolHistory> all = ReadPoolHistory(*eth_, net->pool1, 0, head);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  // Start at the first burn of a position minted in an earlier block.
  std::vector<std::pair<ChainPositionKey, uint64_t>> minted_at;
  uint64_t start = 0;
  for (const PoolEvent& e : all->events) {
    const ChainPositionKey k{e.owner, e.tick_lower, e.tick_upper};
    auto it = std::find_if(minted_at.begin(), minted_at.end(),
                           [&](const auto& m) { return m.first == k; });
    if (e.kind == PoolEventKind::kMint && it == minted_at.end())
      minted_at.emplace_back(k, e.block_number);
    if (e.kind == PoolEventKind::kBurn && it != minted_at.end() &&
        it->second < e.block_number) {
      start = e.block_number;
      break;
    }
  }
  ASSERT_GT(start, 0u) << "no burn of an older position in the history";
  std::vector<PoolEvent> tail;
  for (const PoolEvent& e : all->events)
    if (e.block_number >= start) tail.push_back(e);

  SnapshotOptions with;
  with.token_metadata = false;
  with.positions = PositionsTouched(tail);
  Result<PoolSnapshot> before =
      ReadPoolSnapshot(*eth_, net->pool1, start - 1, with);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_EQ(before->positions.size(), with.positions.size());
  // At least one position the history burns existed before it began.
  bool carried = false;
  for (const ChainPosition& p : before->positions)
    carried |= p.info.liquidity > 0;
  EXPECT_TRUE(carried);
  // The snapshot's JSON keeps the positions.
  Result<PoolSnapshot> again = SnapshotFromJson(ToJson(*before));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->positions.size(), before->positions.size());

  Result<univ3::Pool> engine = ToPool(*before);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  Result<ReplayReport> report = ReplayHistory(tail, &*engine);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_GE(report->burns, 1);
  EXPECT_EQ(report->exact_swaps, report->swaps);
  Result<PoolSnapshot> end = ReadPoolSnapshot(*eth_, net->pool1, head, with);
  ASSERT_TRUE(end.ok());
  ExpectSameState(*end, *engine,
                  "after a replay from block " + std::to_string(start));
  for (const ChainPosition& p : end->positions) {
    const univ3::PositionInfo* mine = engine->GetPosition(
        EngineOwner(p.key.owner), p.key.tick_lower, p.key.tick_upper);
    ASSERT_NE(mine, nullptr) << p.key.tick_lower << " " << p.key.tick_upper;
    EXPECT_TRUE(mine->liquidity == p.info.liquidity);
    EXPECT_EQ(mine->fee_growth_inside0_last_x128,
              p.info.fee_growth_inside0_last_x128);
    EXPECT_EQ(mine->fee_growth_inside1_last_x128,
              p.info.fee_growth_inside1_last_x128);
    EXPECT_TRUE(mine->tokens_owed0 == p.info.tokens_owed0);
    EXPECT_TRUE(mine->tokens_owed1 == p.info.tokens_owed1);
  }

  // Without the positions the engine cannot burn what it never saw minted.
  SnapshotOptions bare;
  bare.token_metadata = false;
  Result<PoolSnapshot> blind_start =
      ReadPoolSnapshot(*eth_, net->pool1, start - 1, bare);
  ASSERT_TRUE(blind_start.ok());
  Result<univ3::Pool> blind = ToPool(*blind_start);
  ASSERT_TRUE(blind.ok());
  EXPECT_FALSE(ReplayHistory(tail, &*blind).ok());
}

// The factory names the pools the testnet created, in either token order,
// and no pool for a fee tier it never created.
TEST_F(ChainEvmTest, TheFactoryFindsEachPoolByItsTokensAndFee) {
  const Address factory =
      *Address::Parse(net->info["factory"].get<std::string>());
  Result<std::optional<Address>> p0 =
      GetPool(*eth_, factory, net->token1, net->token0, 3000, std::nullopt);
  ASSERT_TRUE(p0.ok()) << p0.status().ToString();
  EXPECT_EQ(*p0, net->pool0);
  Result<std::optional<Address>> p1 =
      GetPool(*eth_, factory, net->token0, net->token1, 500, std::nullopt);
  ASSERT_TRUE(p1.ok()) << p1.status().ToString();
  EXPECT_EQ(*p1, net->pool1);
  Result<std::optional<Address>> none =
      GetPool(*eth_, factory, net->token0, net->token1, 10000, std::nullopt);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(none->has_value());
}

TEST_F(ChainEvmTest, GetPoolOfSomethingThatIsNotAFactoryIsAClearError) {
  Result<std::optional<Address>> r =
      GetPool(*eth_, net->token0, net->token0, net->token1, 3000, std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kValidation) << r.status().ToString();
}

// QuoterV2 simulates a swap on chain; the engine loaded from a snapshot of
// the same block must give the same amounts and the same price after, for
// exact input and exact output in both directions.
TEST_F(ChainEvmTest, QuoterV2AgreesWithTheEngineOnRandomSwaps) {
  const Address quoter =
      *Address::Parse(net->info["quoter"].get<std::string>());
  const uint64_t block = *eth_->BlockNumber();
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool1, block);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  Result<univ3::Pool> start = ToPool(*snap);
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  std::mt19937_64 rng(19);
  int compared = 0;
  for (int i = 0; i < 60; ++i) {
    const bool zero_for_one = rng() % 2 == 0;
    const bool exact_in = rng() % 2 == 0;
    U256 amount = U256(1 + rng() % 999);
    for (int k = 0, e = 14 + static_cast<int>(rng() % 7); k < e; ++k)
      amount = amount * U256(10);
    univ3::Pool engine = *start;
    const U256 limit = zero_for_one ? univ3::kMinSqrtRatio + U256(1)
                                    : univ3::kMaxSqrtRatio - U256(1);
    Result<univ3::SwapResult> want = engine.Swap(
        zero_for_one, exact_in ? amount : univ3::Negate(amount), limit);
    if (!want.ok()) continue;
    const I256& in = zero_for_one ? want->amount0 : want->amount1;
    const I256& out = zero_for_one ? want->amount1 : want->amount0;
    // The quoter refuses an exact output the pool cannot deliver in full.
    if (!exact_in && !(univ3::Abs(out) == amount)) continue;
    QuoteRequest q{zero_for_one ? net->token0 : net->token1,
                   zero_for_one ? net->token1 : net->token0, 500, amount,
                   U256(0)};
    Result<Quote> got = exact_in
                            ? QuoteExactInputSingle(*eth_, quoter, q, block)
                            : QuoteExactOutputSingle(*eth_, quoter, q, block);
    SCOPED_TRACE("quote " + std::to_string(i) +
                 (exact_in ? " exact in" : " exact out"));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->amount, exact_in ? univ3::Abs(out) : univ3::Abs(in));
    EXPECT_EQ(got->sqrt_price_x96_after, engine.slot0().sqrt_price_x96);
    EXPECT_GT(got->gas_estimate, U256(0));
    ++compared;
  }
  EXPECT_GE(compared, 40);
}

// Batching: at a given block the chain id, the block's hash, the pool's code
// and its getters come in one round trip; then one per 200 bitmap words, one
// per 200 ticks and the block's hash again (the reorganisation check).
TEST_F(ChainEvmTest,
       ASnapshotAtAGivenBlockReadsEverythingBeforeTheBitmapAtOnce) {
  const uint64_t block = *eth_->BlockNumber();
  SnapshotOptions no_metadata;
  no_metadata.token_metadata = false;
  Result<PoolSnapshot> snap =
      ReadPoolSnapshot(*eth_, net->pool1, block, no_metadata);
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  const int32_t spacing = snap->state.tick_spacing;
  const uint64_t words =
      static_cast<uint64_t>(((univ3::kMaxTick / spacing) >> 8) -
                            ((univ3::kMinTick / spacing) >> 8) + 1);
  const uint64_t ticks = snap->state.ticks.size();
  EXPECT_EQ(snap->round_trips,
            1 + (words + 199) / 200 + (ticks + 199) / 200 + 1)
      << words << " words, " << ticks << " ticks";
  // "latest" needs the block's number before the pool's reads: one more.
  Result<PoolSnapshot> latest =
      ReadPoolSnapshot(*eth_, net->pool1, std::nullopt, no_metadata);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->round_trips, snap->round_trips + 1);
}

TEST_F(ChainEvmTest, ASnapshotOfABlockNotYetMinedIsNotFound) {
  const uint64_t block = *eth_->BlockNumber() + 1000;
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool1, block);
  EXPECT_EQ(snap.status().code(), ErrorCode::kNotFound)
      << snap.status().ToString();
}

// The engine's quote of a live swap (QuoteSwap, `trainyard chain quote`)
// agrees with QuoterV2 at the same block, and the router then executes
// exactly the quoted amounts.
TEST_F(ChainEvmTest, AQuotePredictsWhatTheRouterThenExecutes) {
  const Address quoter =
      *Address::Parse(net->info["quoter"].get<std::string>());
  std::mt19937_64 rng(23);
  int executed = 0;
  for (int i = 0; i < 12; ++i) {
    SwapQuoteRequest request;
    request.zero_for_one = rng() % 2 == 0;
    request.exact_input = rng() % 2 == 0;
    request.amount = U256(1 + rng() % 999);
    for (int k = 0, e = 14 + static_cast<int>(rng() % 5); k < e; ++k)
      request.amount = request.amount * U256(10);
    SCOPED_TRACE("swap " + std::to_string(i));
    Result<SwapQuote> q =
        QuoteSwap(*eth_, net->pool1, request, std::nullopt, quoter);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    if (q->partial) continue;  // the router would revert on a partial fill
    EXPECT_TRUE(q->quoter_agrees) << ToJson(*q).dump();
    EXPECT_EQ(q->token_in, request.zero_for_one ? net->token0 : net->token1);
    Result<PoolEvent> swap = RouterSwap(net->pool1, 500, request.zero_for_one,
                                        request.exact_input, request.amount);
    ASSERT_TRUE(swap.ok()) << swap.status().ToString();
    EXPECT_EQ(swap->block_number, q->block + 1);
    const I256& in = request.zero_for_one ? swap->amount0 : swap->amount1;
    const I256& out = request.zero_for_one ? swap->amount1 : swap->amount0;
    EXPECT_EQ(univ3::Abs(in), q->amount_in);
    EXPECT_EQ(univ3::Abs(out), q->amount_out);
    EXPECT_EQ(swap->sqrt_price_x96, q->sqrt_price_x96_after);
    EXPECT_EQ(swap->tick, q->tick_after);
    ++executed;
  }
  EXPECT_GE(executed, 8);
}

TEST_F(ChainEvmTest, AQuoteWithThePriceLimitOnTheWrongSideIsRefused) {
  Result<PoolSnapshot> snap = ReadPoolSnapshot(*eth_, net->pool1, std::nullopt);
  ASSERT_TRUE(snap.ok());
  SwapQuoteRequest request;
  request.zero_for_one = true;  // the price falls: a limit above it is wrong
  request.amount = U256(1000000);
  request.sqrt_price_limit_x96 = snap->state.slot0.sqrt_price_x96 + U256(1);
  Result<SwapQuote> q = QuoteSwap(*eth_, net->pool1, request, snap->block);
  EXPECT_EQ(q.status().code(), ErrorCode::kValidation);
  EXPECT_NE(q.status().message().find("SPL"), std::string::npos)
      << q.status().ToString();
}

// `trainyard chain quote` as a user types it: JSON on stdout that QuoterV2
// confirms; a token that is not the pool's is a bad input (exit 2).
TEST_F(ChainEvmTest, TheQuoteCommandPrintsTheEnginesQuoteAndTheQuoters) {
  trainyard::testing::TempDir tmp;
  const std::string quoter = net->info["quoter"].get<std::string>();
  const uint64_t block = *eth_->BlockNumber();
  std::string out, err;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {TRAINYARD_BINARY, "chain", "quote", "--rpc",
                               net->rpc, "--pool", net->pool1.Hex()});
    trainyard::testing::ChildProcess p;
    EXPECT_TRUE(p.Start(args, {}, tmp.Sub("out")));
    const int code = p.Wait();
    out = p.Output();
    err = p.Errors();
    return code;
  };
  ASSERT_EQ(run({"--token-in", net->token1.Hex(), "--amount-out",
                 "2000000000000000000", "--block", std::to_string(block),
                 "--quoter", quoter}),
            0)
      << err;
  const json j = json::parse(out);
  EXPECT_EQ(j["block"].get<uint64_t>(), block);
  EXPECT_EQ(j["token_in"], net->token1.Hex());
  EXPECT_EQ(j["amount_out"], "2000000000000000000");
  EXPECT_TRUE(j["quoter"]["agrees"].get<bool>()) << out;
  EXPECT_EQ(j["quoter"]["amount"], j["amount_in"]);
  EXPECT_EQ(run({"--token-in", net->manager.Hex(), "--amount-in", "1000"}), 2)
      << err;
  EXPECT_NE(err.find("neither of the pool's tokens"), std::string::npos) << err;
}

TEST_F(ChainEvmTest, ZzAReorganisedBlockDuringAReadIsAnErrorNotAHalfResult) {
  Result<json> snapshot_id = eth_->rpc().Call("evm_snapshot");
  ASSERT_TRUE(snapshot_id.ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(eth_->rpc().Call("evm_mine").ok());
  const uint64_t head = *eth_->BlockNumber();
  auto inner = MakeHttpTransport(net->rpc, 30000);
  ASSERT_TRUE(inner.ok());
  EthClient reorging(std::make_unique<RpcClient>(
      std::make_unique<ReorgingTransport>(
          std::move(*inner), snapshot_id->get<std::string>(), net->accounts[3]),
      "test"));
  Result<PoolHistory> h = ReadPoolHistory(reorging, net->pool1, 0, head);
  EXPECT_EQ(h.status().code(), ErrorCode::kUnavailable);
  EXPECT_NE(h.status().message().find("reorg"), std::string::npos)
      << h.status().ToString();
  EXPECT_EQ(*eth_->BlockNumber(), head);  // same height, another branch
}

}  // namespace
}  // namespace trainyard::chain
