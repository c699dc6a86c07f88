#include "chain/events.h"

#include <gtest/gtest.h>

namespace trainyard::chain {
namespace {

Hash32 AddressTopic(const char* hex) {
  Bytes b = AbiEncoder().Addr(*Address::Parse(hex)).Finish();
  Hash32 h;
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

Hash32 IntTopic(int64_t v) { return WordFromU256(univ3::I256FromInt64(v)); }

const char kRouter[] = "0xe592427a0aece92de3edee1f18e0157c05861564";
const char kOwner[] = "0xc36442b4a4522e871399cd717abdd847ab11fe88";

TEST(EventsTest, TopicsAreTheKeccakOfTheSignatures) {
  EXPECT_EQ(
      HexEncode(MintTopic()),
      "0x7a53080ba414158be7ec69b987b5fb7d07dee101fe85488f0853ae16239d0bde");
  EXPECT_EQ(
      HexEncode(BurnTopic()),
      "0x0c396cd989a39f4459b5fa1aed6a9a8dcdbc45908acfd67e028cd568da98982c");
  EXPECT_EQ(
      HexEncode(CollectTopic()),
      "0x70935338e69775456a85ddef226c395fb668b63fa0115f5f20610b388e6ca9c0");
  EXPECT_EQ(
      HexEncode(FlashTopic()),
      "0xbdbdb71d7860376ba52b25a5028beea23581364a40522f6bcfb86bb1f2dca633");
}

TEST(EventsTest, DecodesASwapWithNegativeAmountAndTick) {
  Log log;
  log.topics = {SwapTopic(), AddressTopic(kRouter), AddressTopic(kOwner)};
  log.data = AbiEncoder()
                 .Int(-123456789)
                 .Uint(U256::FromU128(static_cast<univ3::u128>(1) << 100))
                 .Uint(U256::FromHex("0x1000000000000000000000000"))
                 .Uint(777)
                 .Int(-201)
                 .Finish();
  log.block_number = 42;
  log.log_index = 3;
  Result<PoolEvent> e = DecodePoolEvent(log);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, PoolEventKind::kSwap);
  EXPECT_EQ(e->sender.Hex(), kRouter);
  EXPECT_EQ(e->recipient.Hex(), kOwner);
  EXPECT_EQ(univ3::ToSignedDecimal(e->amount0), "-123456789");
  EXPECT_EQ(e->amount1, U256::FromU128(static_cast<univ3::u128>(1) << 100));
  EXPECT_EQ(e->sqrt_price_x96, U256::FromHex("0x1000000000000000000000000"));
  EXPECT_EQ(e->liquidity, 777u);
  EXPECT_EQ(e->tick, -201);
  EXPECT_EQ(e->block_number, 42u);
  EXPECT_EQ(e->log_index, 3u);
}

TEST(EventsTest, DecodesMintWithIndexedTicks) {
  Log log;
  log.topics = {MintTopic(), AddressTopic(kOwner), IntTopic(-887220),
                IntTopic(600)};
  log.data = AbiEncoder()
                 .Addr(*Address::Parse(kRouter))
                 .Uint(5000)
                 .Uint(7)
                 .Uint(9)
                 .Finish();
  Result<PoolEvent> e = DecodePoolEvent(log);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kind, PoolEventKind::kMint);
  EXPECT_EQ(e->owner.Hex(), kOwner);
  EXPECT_EQ(e->sender.Hex(), kRouter);
  EXPECT_EQ(e->tick_lower, -887220);
  EXPECT_EQ(e->tick_upper, 600);
  EXPECT_EQ(e->amount, 5000u);
  EXPECT_EQ(e->amount0, U256(7));
  EXPECT_EQ(e->amount1, U256(9));
}

TEST(EventsTest, DecodesBurnCollectAndFlash) {
  Log burn;
  burn.topics = {BurnTopic(), AddressTopic(kOwner), IntTopic(-60),
                 IntTopic(60)};
  burn.data = AbiEncoder().Uint(10).Uint(11).Uint(12).Finish();
  EXPECT_EQ(DecodePoolEvent(burn)->amount, 10u);
  Log collect;
  collect.topics = {CollectTopic(), AddressTopic(kOwner), IntTopic(-60),
                    IntTopic(60)};
  collect.data =
      AbiEncoder().Addr(*Address::Parse(kRouter)).Uint(3).Uint(4).Finish();
  EXPECT_EQ(DecodePoolEvent(collect)->recipient.Hex(), kRouter);
  EXPECT_EQ(DecodePoolEvent(collect)->amount1, U256(4));
  Log flash;
  flash.topics = {FlashTopic(), AddressTopic(kRouter), AddressTopic(kOwner)};
  flash.data = AbiEncoder().Uint(100).Uint(200).Uint(1).Uint(2).Finish();
  Result<PoolEvent> f = DecodePoolEvent(flash);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->kind, PoolEventKind::kFlash);
  EXPECT_EQ(f->paid1, U256(2));
}

TEST(EventsTest, RejectsWrongShapesAndForeignTopics) {
  Log log;
  log.topics = {SwapTopic(), AddressTopic(kRouter)};  // one topic short
  log.data = Bytes(160, 0);
  EXPECT_EQ(DecodePoolEvent(log).status().code(), ErrorCode::kValidation);
  log.topics = {EventTopic("Transfer(address,address,uint256)")};
  EXPECT_FALSE(IsPoolEvent(log));
  EXPECT_FALSE(DecodePoolEvent(log).ok());
  // A tick topic that is not a valid int24.
  Log mint;
  mint.topics = {MintTopic(), AddressTopic(kOwner), WordFromU256(U256(1) << 30),
                 IntTopic(0)};
  mint.data = Bytes(128, 0);
  EXPECT_FALSE(DecodePoolEvent(mint).ok());
}

}  // namespace
}  // namespace trainyard::chain
